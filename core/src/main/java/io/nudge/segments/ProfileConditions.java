package io.nudge.segments;

import io.nudge.profile.CustomerMetrics;
import io.nudge.profile.LifecycleStage;
import io.nudge.profile.PurchaseRhythm;
import io.nudge.schemas.Channel;
import io.nudge.schemas.CustomerProfile;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a segment asks of the profile: every present condition must hold. Category affinity is the category's share
 * of the customer's whole category affinity (0..1), so "garden at least 0.3" means a third of their interest; the
 * churn risk is within the configured horizon; days to the next purchase count from now to the expected date.
 */
public record ProfileConditions(Set<LifecycleStage> stages, Range lifetimeValue, Range cartValue, Range orders,
                                Map<String, Double> categoryAffinity, Set<Channel> consent, Range churnRisk,
                                Range daysToNextPurchase) implements Serializable {

    public static final ProfileConditions ANYONE = new ProfileConditions(Set.of(), null, null, null, Map.of(), Set.of(), null, null);

    /** Inclusive bounds; either may be absent. */
    public record Range(Double atLeast, Double atMost) implements Serializable {
        public boolean contains(double value) {
            return (atLeast == null || value >= atLeast) && (atMost == null || value <= atMost);
        }
    }

    public ProfileConditions {
        stages = Set.copyOf(stages);
        categoryAffinity = Map.copyOf(categoryAffinity);
        consent = Set.copyOf(consent);
    }

    /** Stages, churn risk and the next purchase change as the clock moves, without any event. */
    public boolean followsTime() {
        return !stages.isEmpty() || churnRisk != null || daysToNextPurchase != null;
    }

    public boolean accepts(CustomerProfile profile, Instant now, CustomerMetrics.Thresholds thresholds) {
        for (Channel channel : consent) {
            if (!Boolean.TRUE.equals(profile.getConsent().get(channel.name().toLowerCase(Locale.ROOT)))) {
                return false;
            }
        }
        if (orders != null && !orders.contains(profile.getPurchaseCount())) {
            return false;
        }
        if (!categoryAffinity.isEmpty() && !affinityHolds(profile.getCategoryAffinity())) {
            return false;
        }
        if (!stages.isEmpty() || lifetimeValue != null || cartValue != null) {
            CustomerMetrics metrics = CustomerMetrics.of(profile, now, thresholds);
            if ((!stages.isEmpty() && !stages.contains(metrics.stage()))
                    || (lifetimeValue != null && !lifetimeValue.contains(metrics.lifetimeValue()))
                    || (cartValue != null && !cartValue.contains(metrics.cartValue()))) {
                return false;
            }
        }
        if (churnRisk != null || daysToNextPurchase != null) {
            PurchaseRhythm.Estimate rhythm = profile.getRecentOrders().isEmpty() ? null : PurchaseRhythm.of(profile, thresholds.rhythm());
            if (rhythm == null) {
                return false; // never bought: no rhythm to judge by
            }
            if (churnRisk != null && !churnRisk.contains(rhythm.churnRisk(now, thresholds.churnHorizon()))) {
                return false;
            }
            if (daysToNextPurchase != null) {
                double days = (rhythm.expectedAfter(now).toEpochMilli() - now.toEpochMilli()) / (double) Duration.ofDays(1).toMillis();
                return daysToNextPurchase.contains(days);
            }
        }
        return true;
    }

    private boolean affinityHolds(Map<String, Double> affinity) {
        double total = 0;
        for (double value : affinity.values()) {
            total += value;
        }
        for (Map.Entry<String, Double> wanted : categoryAffinity.entrySet()) {
            Double value = affinity.get(wanted.getKey());
            if (value == null || total <= 0 || value / total < wanted.getValue()) {
                return false;
            }
        }
        return true;
    }
}
