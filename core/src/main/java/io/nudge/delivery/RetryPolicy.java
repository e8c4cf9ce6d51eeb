package io.nudge.delivery;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How often and how long a retryable delivery is tried again: exponential backoff with full jitter (a random wait
 * between zero and {@code initial × 2^(attempt−1)}, at most {@code max}), so that many actions failing together do
 * not come back together; a provider's {@code Retry-After} is waited at least.
 *
 * @param attempts tries in all, the first included
 */
public record RetryPolicy(int attempts, Duration initial, Duration max) {

    public RetryPolicy {
        if (attempts < 1 || initial.isNegative() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("attempts >= 1 and 0 <= initial <= max");
        }
    }

    /** Whether another try follows try number {@code attempt} (1 for the first). */
    public boolean triesAgainAfter(int attempt) {
        return attempt < attempts;
    }

    /** How long to wait after try number {@code attempt} failed, given the provider's {@code retryAfter} (or null). */
    public Duration delayAfter(int attempt, Duration retryAfter, RandomGenerator random) {
        long ceiling = initial.toMillis() << Math.min(30, attempt - 1);
        long capped = Math.min(max.toMillis(), ceiling < 0 ? Long.MAX_VALUE : ceiling);
        long jittered = capped <= 0 ? 0 : random.nextLong(capped + 1);
        return retryAfter == null ? Duration.ofMillis(jittered) : Duration.ofMillis(Math.max(jittered, retryAfter.toMillis()));
    }
}
