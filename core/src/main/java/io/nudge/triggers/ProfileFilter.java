package io.nudge.triggers;

import io.nudge.profile.CustomerMetrics;
import io.nudge.profile.LifecycleStage;
import java.io.Serializable;
import java.util.Set;

/** Who a rule is for: lifecycle stages (empty: any) and a lifetime value range. */
public record ProfileFilter(Set<LifecycleStage> stages, Double minLifetimeValue, Double maxLifetimeValue) implements Serializable {

    public static final ProfileFilter ANYONE = new ProfileFilter(Set.of(), null, null);

    public ProfileFilter {
        stages = Set.copyOf(stages);
    }

    public boolean accepts(CustomerMetrics metrics) {
        return (stages.isEmpty() || stages.contains(metrics.stage()))
                && (minLifetimeValue == null || metrics.lifetimeValue() >= minLifetimeValue)
                && (maxLifetimeValue == null || metrics.lifetimeValue() <= maxLifetimeValue);
    }
}
