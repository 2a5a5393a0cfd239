package io.basalt.engine.replication;

/** Copying a range failed because of {@code culprit}: the source it read from or the replica it wrote to. */
final class CopyFailure extends RuntimeException {

    private final Member culprit;
    private final boolean source;

    CopyFailure(Member culprit, boolean source, Throwable cause) {
        super((source ? "reading from " : "writing to ") + culprit + " failed: " + Failures.describe(cause),
                Failures.cause(cause));
        this.culprit = culprit;
        this.source = source;
    }

    Member culprit() {
        return culprit;
    }

    boolean atSource() {
        return source;
    }
}
