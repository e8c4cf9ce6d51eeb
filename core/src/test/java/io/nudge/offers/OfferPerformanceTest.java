package io.nudge.offers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.nudge.profile.ProfileUpdater;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.OfferStats;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OfferPerformanceTest {

    @Test
    void sumsEachOffersFeedbackOverProfilesWithRatesPerImpressionAndPerClick() {
        OfferPerformance performance = new OfferPerformance();
        performance.add(profile("a", Map.of("bundle", stats(10, 2, 1, 1), "delivery", stats(3, 0, 0, 0)), 1, 40), NextBestOffers.Group.TREATMENT);
        performance.add(profile("b", Map.of("bundle", stats(30, 4, 0, 0)), 0, 0), NextBestOffers.Group.TREATMENT);

        List<OfferPerformance.OfferTotals> offers = performance.offers();
        assertEquals(List.of("bundle", "delivery"), offers.stream().map(OfferPerformance.OfferTotals::offerId).toList(), "most shown first");
        OfferPerformance.OfferTotals bundle = offers.get(0);
        assertEquals(new OfferPerformance.OfferTotals("bundle", 40, 6, 1, 1), bundle);
        assertEquals(0.15, bundle.clickThroughRate(), 1e-9);
        assertEquals(1.0 / 6, bundle.conversionRate(), 1e-9);
        assertNull(offers.get(1).conversionRate(), "no clicks, no conversion rate");
    }

    @Test
    void upliftComparesTreatmentWithControlAndWaitsForAControlBaseline() {
        OfferPerformance performance = new OfferPerformance();
        performance.add(profile("t1", Map.of(), 2, 100), NextBestOffers.Group.TREATMENT);
        performance.add(profile("t2", Map.of(), 0, 0), NextBestOffers.Group.TREATMENT);
        assertNull(performance.uplift().purchaseRate(), "no control customers yet");

        performance.add(profile("c1", Map.of(), 1, 20), NextBestOffers.Group.CONTROL);
        performance.add(profile("c2", Map.of(), 0, 0), NextBestOffers.Group.CONTROL);
        performance.add(profile("c3", Map.of(), 0, 0), NextBestOffers.Group.CONTROL);
        performance.add(profile("c4", Map.of(), 0, 0), NextBestOffers.Group.CONTROL);

        OfferPerformance.Uplift uplift = performance.uplift();
        assertEquals(new OfferPerformance.GroupTotals(2, 1, 100), uplift.treatment());
        assertEquals(1.0, uplift.purchaseRate(), 1e-9, "half bought against a quarter: +100 %");
        assertEquals((50.0 - 5.0) / 5.0, uplift.spendPerCustomer(), 1e-9);
    }

    private static OfferStats stats(int impressions, int clicks, int dismissals, int conversions) {
        return new OfferStats(impressions, clicks, dismissals, conversions, null);
    }

    private static CustomerProfile profile(String key, Map<String, OfferStats> offers, long purchases, double spend) {
        CustomerProfile profile = ProfileUpdater.newProfile(key, Instant.parse("2026-11-01T00:00:00Z"));
        profile.setOfferHistory(offers);
        profile.setPurchaseCount(purchases);
        profile.setTotalSpend(spend);
        return profile;
    }
}
