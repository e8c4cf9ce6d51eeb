package io.nudge.rate;

/**
 * At most {@code perSecond} takes per second, with bursts of up to one second's worth: tokens refill continuously at
 * the rate, and a take either gets one or learns how long until one is there. For the API's request limits and the
 * dispatcher's per-provider rate.
 */
public final class TokenBucket {

    private final double perNano;
    private final double capacity;
    private double tokens;
    private long updated;

    /** @param now the caller's clock, in nanoseconds */
    public TokenBucket(int perSecond, long now) {
        this.perNano = perSecond / 1e9;
        this.capacity = perSecond;
        this.tokens = perSecond;
        this.updated = now;
    }

    /** @return 0 if a token was taken at {@code now} (nanoseconds), else how many nanoseconds until one is there */
    public synchronized long take(long now) {
        tokens = Math.min(capacity, tokens + (now - updated) * perNano);
        updated = now;
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return (long) Math.ceil((1 - tokens) / perNano);
    }

    /** How long since the last take, in nanoseconds. */
    public synchronized long idleFor(long now) {
        return now - updated;
    }
}
