package io.nudge.events;

/** What is wrong with one field of an event, in words a sender can act on. */
public record FieldError(String field, String message) {
    @Override
    public String toString() {
        return field + ": " + message;
    }
}
