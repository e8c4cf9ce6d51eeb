package io.nudge.delivery;

import java.time.Duration;

/** What a provider made of one delivery attempt. */
public sealed interface Outcome {

    /** The provider took the message; {@code reference} is its id for it, when it gives one. */
    record Accepted(String reference) implements Outcome {}

    /**
     * Worth trying again (a 5xx, a timeout, a 429): after {@code retryAfter} when the provider said, else after the
     * retry policy's backoff.
     */
    record Retry(String reason, Duration retryAfter) implements Outcome {}

    /** Will not succeed however often tried (a 4xx, no address, no template): goes to the failed actions. */
    record Failed(String reason) implements Outcome {}
}
