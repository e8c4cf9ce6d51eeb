package io.nudge.segments;

import java.io.Serializable;
import java.util.List;

/**
 * A named audience a marketer defines ({@link SegmentJson}): customers whose profile meets {@code profile} and whose
 * behaviour meets every one of {@code behaviour}. Kept current per customer as events arrive and as time passes
 * ({@link SegmentEngine}); rules, offers and recommendations refer to it by id.
 */
public record Segment(String segmentId, int version, boolean active, String name, ProfileConditions profile,
                      List<Behaviour> behaviour, Boost boost) implements Serializable {

    public Segment {
        behaviour = List.copyOf(behaviour);
    }

    /** A segment that changes no recommendation. */
    public Segment(String segmentId, int version, boolean active, String name, ProfileConditions profile, List<Behaviour> behaviour) {
        this(segmentId, version, active, name, profile, behaviour, Boost.NONE);
    }

    /** Whether membership can change without an event: a window that moves, or a stage or risk that follows the clock. */
    public boolean followsTime() {
        return !behaviour.isEmpty() || profile.followsTime();
    }
}
