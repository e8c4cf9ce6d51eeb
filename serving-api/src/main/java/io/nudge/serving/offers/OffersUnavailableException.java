package io.nudge.serving.offers;

/** Kafka did not take a catalogue change in time; the caller may retry. */
public final class OffersUnavailableException extends Exception {
    public OffersUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
