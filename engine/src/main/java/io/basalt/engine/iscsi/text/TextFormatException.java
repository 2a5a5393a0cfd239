package io.basalt.engine.iscsi.text;

/** A data segment that is not a sequence of {@code key=value} pairs. */
public final class TextFormatException extends Exception {
    public TextFormatException(String message) {
        super(message);
    }
}
