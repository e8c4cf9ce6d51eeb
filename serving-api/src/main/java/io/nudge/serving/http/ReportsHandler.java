package io.nudge.serving.http;

import io.javalin.http.Context;
import io.nudge.offers.NextBestOffers;
import io.nudge.offers.OfferPerformance;
import io.nudge.serving.store.ProfileStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /v1/admin/reports/offers}: impressions, clicks, CTR and conversions per offer, and the uplift of the
 * treatment group over the control group, summed over every profile this replica holds. Summing decodes every
 * profile (about a second per million), so a report is reused for {@link #FRESH_FOR}.
 */
final class ReportsHandler {

    static final Duration FRESH_FOR = Duration.ofSeconds(10);

    private final ProfileStore profiles;
    private final NextBestOffers nextBestOffers;
    private final Clock clock;
    private Instant madeAt = Instant.MIN;
    private Map<String, Object> report;

    ReportsHandler(ProfileStore profiles, NextBestOffers nextBestOffers, Clock clock) {
        this.profiles = profiles;
        this.nextBestOffers = nextBestOffers;
        this.clock = clock;
    }

    synchronized void offers(Context ctx) {
        Instant now = clock.instant();
        if (report == null || now.isAfter(madeAt.plus(FRESH_FOR))) {
            report = offerReport(now);
            madeAt = now;
        }
        ctx.json(report);
    }

    private Map<String, Object> offerReport(Instant now) {
        OfferPerformance performance = new OfferPerformance();
        profiles.forEach(profile -> performance.add(profile, nextBestOffers.groupOf(profile.getProfileKey())));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("asOf", now.toString());
        out.put("offers", performance.offers().stream().map(ReportsHandler::render).toList());
        OfferPerformance.Uplift uplift = performance.uplift();
        out.put("treatment", render(uplift.treatment()));
        out.put("control", render(uplift.control()));
        Map<String, Object> relative = new LinkedHashMap<>();
        relative.put("purchaseRate", uplift.purchaseRate());
        relative.put("spendPerCustomer", uplift.spendPerCustomer());
        out.put("uplift", relative);
        return out;
    }

    private static Map<String, Object> render(OfferPerformance.OfferTotals offer) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("offerId", offer.offerId());
        out.put("impressions", offer.impressions());
        out.put("clicks", offer.clicks());
        out.put("dismissals", offer.dismissals());
        out.put("conversions", offer.conversions());
        out.put("clickThroughRate", offer.clickThroughRate());
        out.put("conversionRate", offer.conversionRate());
        return out;
    }

    private static Map<String, Object> render(OfferPerformance.GroupTotals group) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("customers", group.customers());
        out.put("buyers", group.buyers());
        out.put("purchaseRate", group.purchaseRate());
        out.put("spendPerCustomer", group.spendPerCustomer());
        return out;
    }
}
