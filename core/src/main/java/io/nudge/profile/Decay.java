package io.nudge.profile;

import java.io.Serializable;
import java.time.Duration;

/** Exponential decay with a half-life: what a weight from {@code age} ago is worth now. */
public record Decay(Duration halfLife, double ratePerMilli) implements Serializable {

    public static Decay halfLife(Duration halfLife) {
        if (halfLife.isNegative() || halfLife.isZero()) {
            throw new IllegalArgumentException("half-life must be positive: " + halfLife);
        }
        return new Decay(halfLife, Math.log(2) / halfLife.toMillis());
    }

    /** The factor for a weight {@code ageMillis} old; a negative age (a weight from the future) grows. */
    public double factor(long ageMillis) {
        return Math.exp(-ratePerMilli * ageMillis);
    }
}
