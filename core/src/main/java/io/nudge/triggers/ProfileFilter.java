package io.nudge.triggers;

import io.nudge.profile.CustomerMetrics;
import io.nudge.profile.LifecycleStage;
import java.io.Serializable;
import java.util.Set;
import java.util.function.Predicate;

/** Who a rule is for: lifecycle stages (empty: any), a lifetime value range, and segments the customer must be in. */
public record ProfileFilter(Set<LifecycleStage> stages, Double minLifetimeValue, Double maxLifetimeValue, Set<String> segments)
        implements Serializable {

    public static final ProfileFilter ANYONE = new ProfileFilter(Set.of(), null, null, Set.of());

    public ProfileFilter {
        stages = Set.copyOf(stages);
        segments = Set.copyOf(segments);
    }

    /** @param isMember whether the customer is in a segment, by its id */
    public boolean accepts(CustomerMetrics metrics, Predicate<String> isMember) {
        return (stages.isEmpty() || stages.contains(metrics.stage()))
                && (minLifetimeValue == null || metrics.lifetimeValue() >= minLifetimeValue)
                && (maxLifetimeValue == null || metrics.lifetimeValue() <= maxLifetimeValue)
                && segments.stream().allMatch(isMember);
    }
}
