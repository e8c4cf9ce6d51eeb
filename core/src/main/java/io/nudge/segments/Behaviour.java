package io.nudge.segments;

import io.nudge.triggers.EventMatch;
import java.io.Serializable;
import java.time.Duration;

/**
 * How often the customer did something within a sliding window of event time: "viewed garden at least 3 times in
 * 7 days" ({@code atLeast} 3), "bought nothing for 60 days" ({@code atMost} 0). Either bound may be absent, not both.
 */
public record Behaviour(EventMatch event, Integer atLeast, Integer atMost, Duration within) implements Serializable {

    public boolean holds(int count) {
        return (atLeast == null || count >= atLeast) && (atMost == null || count <= atMost);
    }

    /**
     * How many of the newest matches decide the count: with only a lower bound, the newest {@code atLeast}; with an
     * upper bound, one more than it (more than that many is simply "too many").
     */
    int kept() {
        return Math.max(1, atMost != null ? atMost + 1 : atLeast);
    }
}
