package io.nudge.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PurchaseRhythmTest {

    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    private static final PurchaseRhythm.Prior SHOP = new PurchaseRhythm.Prior(Math.log(30), 0.8, 0.6, 2);

    private static List<Instant> every(int days, int orders) {
        List<Instant> times = new ArrayList<>();
        for (int i = 0; i < orders; i++) {
            times.add(T0.plus(Duration.ofDays((long) days * i)));
        }
        return times;
    }

    private static double days(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / (double) Duration.ofDays(1).toMillis();
    }

    @Test
    void aCustomerWithOnePurchaseGetsTheShopsRhythm() {
        PurchaseRhythm.Estimate one = PurchaseRhythm.of(List.of(T0), SHOP);
        assertEquals(0, one.gaps());
        assertEquals(30, days(T0, one.expected()), 1e-6);
        assertEquals(0.8, one.sigma(), 1e-9);
        assertNull(PurchaseRhythm.of(List.of(), SHOP));
    }

    @Test
    void aRegularCustomersOwnRhythmWinsAsTheirGapsAddUp() {
        PurchaseRhythm.Estimate twice = PurchaseRhythm.of(every(7, 2), SHOP);
        PurchaseRhythm.Estimate often = PurchaseRhythm.of(every(7, 10), SHOP);
        Instant last = T0.plus(Duration.ofDays(63));
        assertTrue(days(T0.plus(Duration.ofDays(7)), twice.expected()) > 7 && days(T0.plus(Duration.ofDays(7)), twice.expected()) < 30, "one gap moves the estimate part way");
        assertEquals(7, days(last, often.expected()), 2.5, "nine weekly gaps: about a week");
        assertTrue(often.sigma() < SHOP.sdLogDays(), "and a narrower interval: " + often.sigma());
        assertTrue(often.earliest().isBefore(often.expected()) && often.latest().isAfter(often.expected()));
    }

    @Test
    void ordersOnTheSameDayAreOneOccasion() {
        List<Instant> times = List.of(T0, T0.plusSeconds(600), T0.plusSeconds(3_600), T0.plus(Duration.ofDays(10)), T0.plus(Duration.ofDays(10)));
        assertEquals(List.of(10.0), PurchaseRhythm.gapsInDays(times), "identical and same-day times count once");
    }

    @Test
    void theRiskGrowsAsTheCustomerIsOverdueAgainstTheirOwnRhythm() {
        PurchaseRhythm.Estimate weekly = PurchaseRhythm.of(every(7, 10), SHOP);
        PurchaseRhythm.Estimate quarterly = PurchaseRhythm.of(every(90, 6), SHOP);
        Duration horizon = Duration.ofDays(60);
        double weeklyJustBought = weekly.churnRisk(weekly.lastPurchase().plus(Duration.ofDays(2)), horizon);
        double weeklyGoneQuiet = weekly.churnRisk(weekly.lastPurchase().plus(Duration.ofDays(60)), horizon);
        double quarterlySameQuiet = quarterly.churnRisk(quarterly.lastPurchase().plus(Duration.ofDays(60)), horizon);
        assertTrue(weeklyJustBought < 0.1, "a weekly buyer two days after buying: " + weeklyJustBought);
        assertTrue(weeklyGoneQuiet > 0.9, "a weekly buyer quiet for two months: " + weeklyGoneQuiet);
        double newcomer = PurchaseRhythm.of(List.of(T0), SHOP).churnRisk(T0.plus(Duration.ofDays(2)), horizon);
        assertTrue(newcomer > weeklyJustBought, "one purchase says less than ten: " + newcomer);
        assertTrue(weeklyGoneQuiet > weeklyJustBought, "two months quiet is long for a weekly buyer");
        assertTrue(quarterlySameQuiet < weeklyGoneQuiet, "and not for a quarterly one: " + quarterlySameQuiet + " vs " + weeklyGoneQuiet);
        for (double risk : List.of(weeklyJustBought, weeklyGoneQuiet, quarterlySameQuiet)) {
            assertTrue(risk >= 0 && risk <= 1);
        }
    }

    @Test
    void theComplementaryErrorFunctionIsAccurate() {
        assertEquals(1.0, PurchaseRhythm.erfc(0), 1e-7);
        assertEquals(0.157299207, PurchaseRhythm.erfc(1), 1e-7);
        assertEquals(1.842700793, PurchaseRhythm.erfc(-1), 1e-7);
        assertEquals(0.004677735, PurchaseRhythm.erfc(2), 1e-8);
    }
}
