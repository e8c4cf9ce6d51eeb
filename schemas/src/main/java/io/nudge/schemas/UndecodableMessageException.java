package io.nudge.schemas;

/** A message that is not a readable datum of the expected type; the message says why. */
public final class UndecodableMessageException extends Exception {
    public UndecodableMessageException(String reason) {
        super(reason);
    }

    public UndecodableMessageException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
