package io.nudge.profile;

import io.nudge.config.NudgeConfig;
import io.nudge.schemas.CartLine;
import io.nudge.schemas.CustomerProfile;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;

/**
 * What a profile means at a given moment: recency, frequency and monetary value, lifetime value, cart value
 * and lifecycle stage. Derived when read rather than stored, because they change with the clock, not only with
 * events ("no visit for 45 days" becomes true without any event).
 *
 * @param recency time since the last purchase, null when the customer never bought
 */
public record CustomerMetrics(Duration recency, long frequency, double monetary, double lifetimeValue,
                              double cartValue, Duration sinceLastVisit, LifecycleStage stage) {

    /** The thresholds between lifecycle stages, and the shop's buying rhythm that customers with few purchases follow. */
    /** @param atRiskChurn the churn risk within {@code churnHorizon} from which a customer who bought is at risk */
    public record Thresholds(Duration newWithin, Duration atRiskAfter, Duration lapsedAfter,
                             double vipMinSpend, int vipMinOrders, PurchaseRhythm.Prior rhythm, Duration churnHorizon,
                             double atRiskChurn) implements Serializable {

        public static Thresholds from(NudgeConfig config) {
            return new Thresholds(config.get(NudgeConfig.LIFECYCLE_NEW_WITHIN), config.get(NudgeConfig.LIFECYCLE_AT_RISK_AFTER),
                    config.get(NudgeConfig.LIFECYCLE_LAPSED_AFTER), config.get(NudgeConfig.LIFECYCLE_VIP_MIN_SPEND),
                    config.get(NudgeConfig.LIFECYCLE_VIP_MIN_ORDERS), PurchaseRhythm.Prior.from(config),
                    config.get(NudgeConfig.LIFECYCLE_CHURN_HORIZON), config.get(NudgeConfig.LIFECYCLE_AT_RISK_CHURN));
        }

        public Thresholds withRhythm(PurchaseRhythm.Prior shopRhythm) {
            return new Thresholds(newWithin, atRiskAfter, lapsedAfter, vipMinSpend, vipMinOrders, shopRhythm, churnHorizon, atRiskChurn);
        }
    }

    public static CustomerMetrics of(CustomerProfile profile, Instant now, Thresholds thresholds) {
        Duration recency = profile.getLastPurchase() == null ? null : nonNegative(Duration.between(profile.getLastPurchase().getPurchasedAt(), now));
        Duration sinceLastVisit = nonNegative(Duration.between(profile.getLastSeen(), now));
        double cartValue = 0;
        for (CartLine line : profile.getCart()) {
            cartValue += line.getUnitPrice() == null ? 0 : line.getUnitPrice() * line.getQuantity();
        }
        PurchaseRhythm.Estimate rhythm = profile.getRecentOrders().isEmpty() ? null : PurchaseRhythm.of(profile, thresholds.rhythm());
        return new CustomerMetrics(recency, profile.getPurchaseCount(), profile.getTotalSpend(), profile.getTotalSpend(),
                cartValue, sinceLastVisit, stage(profile, sinceLastVisit, rhythm, now, thresholds));
    }

    /**
     * Absence comes first (a lapsed VIP is lapsed: that is what a win-back campaign looks for), then value,
     * then newness. A customer who bought is judged by their own rhythm, whatever their visits: at risk once their
     * next purchase is overdue (past the end of its 80 % interval) or their churn risk reaches the threshold (which
     * catches one-time buyers sooner), and not before; so a customer who buys every quarter is not at risk after 45
     * days, while a weekly one is after three silent weeks. Lapsed only when also gone for the lapsed threshold. A
     * customer who never bought is judged by visits alone.
     */
    static LifecycleStage stage(CustomerProfile profile, Duration sinceLastVisit, PurchaseRhythm.Estimate rhythm, Instant now, Thresholds t) {
        boolean overdue = rhythm != null && (!now.isBefore(rhythm.latest()) || rhythm.churnRisk(now, t.churnHorizon()) >= t.atRiskChurn());
        if (sinceLastVisit.compareTo(t.lapsedAfter()) >= 0 && (rhythm == null || overdue)) {
            return LifecycleStage.LAPSED;
        }
        if (rhythm != null ? overdue : sinceLastVisit.compareTo(t.atRiskAfter()) >= 0) {
            return LifecycleStage.AT_RISK;
        }
        if (profile.getPurchaseCount() >= t.vipMinOrders() && profile.getTotalSpend() >= t.vipMinSpend()) {
            return LifecycleStage.VIP;
        }
        if (Duration.between(profile.getFirstSeen(), now).compareTo(t.newWithin()) < 0 && profile.getPurchaseCount() <= 1) {
            return LifecycleStage.NEW;
        }
        return LifecycleStage.ACTIVE;
    }

    private static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }
}
