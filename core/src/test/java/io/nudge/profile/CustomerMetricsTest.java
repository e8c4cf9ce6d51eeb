package io.nudge.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.nudge.config.NudgeConfig;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.EventType;
import io.nudge.schemas.InteractionEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CustomerMetricsTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final ProfileUpdater updater = new ProfileUpdater(ProfileSettings.defaults());
    private final CustomerMetrics.Thresholds thresholds = CustomerMetrics.Thresholds.from(NudgeConfig.defaults()
            .with(NudgeConfig.LIFECYCLE_VIP_MIN_SPEND, 100).with(NudgeConfig.LIFECYCLE_VIP_MIN_ORDERS, 3));

    private CustomerProfile buy(CustomerProfile profile, int order, double price, Instant at) {
        return updater.apply(profile, InteractionEvent.newBuilder().setEventId("p" + order).setCustomerId("c").setType(EventType.PURCHASE)
                .setEventTime(at).setItemId("i" + order).setPrice(price).setQuantity(1).setAttributes(Map.of("orderId", "o" + order)).build());
    }

    @Test
    void aFirstTimeVisitorIsNewWithoutRecency() {
        CustomerProfile profile = updater.apply(null, InteractionEvent.newBuilder().setEventId("v").setCustomerId("c")
                .setType(EventType.PAGE_VIEW).setEventTime(T0).build());
        CustomerMetrics metrics = CustomerMetrics.of(profile, T0.plus(Duration.ofDays(2)), thresholds);
        assertEquals(LifecycleStage.NEW, metrics.stage());
        assertNull(metrics.recency());
        assertEquals(0, metrics.frequency());
    }

    @Test
    void rfmAndStagesFollowSpendOrdersAndAbsence() {
        CustomerProfile profile = null;
        for (int i = 0; i < 3; i++) {
            profile = buy(profile, i, 40, T0.plus(Duration.ofDays(10L * i)));
        }
        Instant lastOrder = T0.plus(Duration.ofDays(20));

        CustomerMetrics vip = CustomerMetrics.of(profile, lastOrder.plus(Duration.ofDays(1)), thresholds);
        assertEquals(LifecycleStage.VIP, vip.stage());
        assertEquals(Duration.ofDays(1), vip.recency());
        assertEquals(3, vip.frequency());
        assertEquals(120.0, vip.monetary(), 1e-9);
        assertEquals(120.0, vip.lifetimeValue(), 1e-9);

        assertEquals(LifecycleStage.AT_RISK, CustomerMetrics.of(profile, lastOrder.plus(Duration.ofDays(50)), thresholds).stage());
        assertEquals(LifecycleStage.LAPSED, CustomerMetrics.of(profile, lastOrder.plus(Duration.ofDays(130)), thresholds).stage(),
                "a VIP who stopped coming is lapsed: what win-back looks for");

        CustomerProfile small = buy(null, 9, 5, T0);
        small = buy(small, 10, 5, T0.plus(Duration.ofDays(40)));
        assertEquals(LifecycleStage.ACTIVE, CustomerMetrics.of(small, T0.plus(Duration.ofDays(41)), thresholds).stage());
    }

    @Test
    void aBuyerIsAtRiskWhenTheirOwnRhythmSaysSoNotAtAFixedAge() {
        CustomerProfile weekly = null;
        CustomerProfile quarterly = null;
        for (int i = 0; i < 6; i++) {
            weekly = buy(weekly, i, 5, T0.plus(Duration.ofDays(7L * i)));
        }
        for (int i = 0; i < 4; i++) {
            quarterly = buy(quarterly, 10 + i, 5, T0.plus(Duration.ofDays(90L * i)));
        }
        Instant weeklyLast = T0.plus(Duration.ofDays(35));
        Instant quarterlyLast = T0.plus(Duration.ofDays(270));

        assertEquals(LifecycleStage.ACTIVE, CustomerMetrics.of(weekly, weeklyLast.plus(Duration.ofDays(15)), thresholds).stage());
        CustomerProfile browsingWithoutBuying = updater.apply(weekly, InteractionEvent.newBuilder().setEventId("v").setCustomerId("c")
                .setType(EventType.PAGE_VIEW).setEventTime(weeklyLast.plus(Duration.ofDays(24))).build());
        assertEquals(LifecycleStage.AT_RISK, CustomerMetrics.of(browsingWithoutBuying, weeklyLast.plus(Duration.ofDays(25)), thresholds).stage(),
                "three weeks without the weekly order, though still visiting");

        assertEquals(LifecycleStage.ACTIVE, CustomerMetrics.of(quarterly, quarterlyLast.plus(Duration.ofDays(60)), thresholds).stage(),
                "two months is nothing for a customer who buys every quarter");
        assertEquals(LifecycleStage.ACTIVE, CustomerMetrics.of(quarterly, quarterlyLast.plus(Duration.ofDays(130)), thresholds).stage(),
                "gone longer than the lapsed threshold, but not yet overdue");
        assertEquals(LifecycleStage.LAPSED, CustomerMetrics.of(quarterly, quarterlyLast.plus(Duration.ofDays(200)), thresholds).stage());
    }

    @Test
    void cartValueSumsItsLines() {
        CustomerProfile profile = updater.apply(null, InteractionEvent.newBuilder().setEventId("a").setCustomerId("c").setType(EventType.ADD_TO_CART)
                .setEventTime(T0).setItemId("lamp").setPrice(12.5).setQuantity(2).build());
        assertEquals(25.0, CustomerMetrics.of(profile, T0, thresholds).cartValue(), 1e-9);
    }
}
