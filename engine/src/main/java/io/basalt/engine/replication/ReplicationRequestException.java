package io.basalt.engine.replication;

/** A management request on a replicated volume that cannot be carried out; the subclass says why. */
public sealed class ReplicationRequestException extends RuntimeException {

    protected ReplicationRequestException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The volume is not in a state to do it: too few healthy replicas, or a replica that does not fit. */
    public static final class Refused extends ReplicationRequestException {
        public Refused(String message) {
            super(message, null);
        }

        public Refused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The replica named is not a member of the volume. */
    public static final class NotAMember extends ReplicationRequestException {
        public NotAMember(String message) {
            super(message, null);
        }
    }
}
