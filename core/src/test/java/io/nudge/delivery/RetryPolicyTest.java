package io.nudge.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(2));

    @Test
    void backoffDoublesUpToTheMaximumWithFullJitter() {
        Random random = new Random(42);
        for (int attempt = 1; attempt <= 8; attempt++) {
            long ceiling = Math.min(2_000, 100L << (attempt - 1));
            long longest = 0;
            for (int i = 0; i < 2_000; i++) {
                long delay = policy.delayAfter(attempt, null, random).toMillis();
                assertTrue(delay >= 0 && delay <= ceiling, attempt + ": " + delay);
                longest = Math.max(longest, delay);
            }
            assertTrue(longest > ceiling * 0.9, "jitter spreads over the whole range: " + longest + " of " + ceiling);
        }
    }

    @Test
    void aProvidersRetryAfterIsWaitedAtLeastAndAttemptsAreCounted() {
        assertEquals(Duration.ofSeconds(30), policy.delayAfter(1, Duration.ofSeconds(30), new Random(1)));
        assertTrue(policy.triesAgainAfter(4));
        assertFalse(policy.triesAgainAfter(5), "five tries in all");
    }
}
