package io.nudge.serving.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.nudge.offers.NextBestOffers;
import io.nudge.offers.OfferPerformance;
import io.nudge.serving.store.ProfileStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * {@code GET /v1/admin/reports/offers}: impressions, clicks, CTR and conversions per offer, and the uplift of the
 * treatment group over the control group, summed over every profile. Summing decodes every profile (about a second
 * per million), so a report is reused for {@link #FRESH_FOR}. When serving replicas split the customers, the replica
 * asked adds up its own share and every other replica's (each answers for its own when a replica asks).
 */
final class ReportsHandler {

    static final Duration FRESH_FOR = Duration.ofSeconds(10);

    private final ProfileStore profiles;
    private final NextBestOffers nextBestOffers;
    private final ReplicaRouter router;
    private final ObjectMapper json;
    private final Clock clock;
    private Instant madeAt = Instant.MIN;
    private OfferPerformance share;

    ReportsHandler(ProfileStore profiles, NextBestOffers nextBestOffers, ReplicaRouter router, ObjectMapper json, Clock clock) {
        this.profiles = profiles;
        this.nextBestOffers = nextBestOffers;
        this.router = router;
        this.json = json;
        this.clock = clock;
    }

    void offers(Context ctx) throws IOException {
        Instant now = clock.instant();
        OfferPerformance performance = new OfferPerformance();
        add(ownShare(now), performance);
        if (!router.isFromAReplica(ctx)) {
            for (byte[] other : router.sharesOfOtherReplicas(ctx)) {
                add(json.readTree(other), performance);
            }
        }
        ctx.json(render(performance, now, router.isFromAReplica(ctx) ? 1 : router.replicasReported()));
    }

    /** This replica's customers, counted at most every {@link #FRESH_FOR}. */
    private synchronized OfferPerformance ownShare(Instant now) {
        if (share == null || now.isAfter(madeAt.plus(FRESH_FOR))) {
            OfferPerformance counted = new OfferPerformance();
            profiles.forEach(profile -> counted.add(profile, nextBestOffers.groupOf(profile.getProfileKey())));
            share = counted;
            madeAt = now;
        }
        return share;
    }

    private static void add(OfferPerformance share, OfferPerformance into) {
        share.offers().forEach(into::add);
        into.add(NextBestOffers.Group.TREATMENT, share.uplift().treatment());
        into.add(NextBestOffers.Group.CONTROL, share.uplift().control());
    }

    /** Adds another replica's share, read back from its report. */
    private static void add(JsonNode report, OfferPerformance into) {
        for (JsonNode offer : report.get("offers")) {
            into.add(new OfferPerformance.OfferTotals(offer.get("offerId").asText(), offer.get("impressions").asLong(),
                    offer.get("clicks").asLong(), offer.get("dismissals").asLong(), offer.get("conversions").asLong()));
        }
        into.add(NextBestOffers.Group.TREATMENT, group(report.get("treatment")));
        into.add(NextBestOffers.Group.CONTROL, group(report.get("control")));
    }

    private static OfferPerformance.GroupTotals group(JsonNode group) {
        return new OfferPerformance.GroupTotals(group.get("customers").asLong(), group.get("buyers").asLong(), group.get("spend").asDouble());
    }

    /** The report: per offer, per group, and the uplift of personalisation. */
    record Report(String asOf, int replicas, List<OfferRow> offers, GroupRow treatment, GroupRow control, Uplift uplift) {}

    record OfferRow(String offerId, long impressions, long clicks, long dismissals, long conversions, Double clickThroughRate,
                    Double conversionRate) {}

    record GroupRow(long customers, long buyers, double spend, Double purchaseRate, Double spendPerCustomer) {}

    /** Relative uplift of treatment over control; null while the control group has no buyers (or spend). */
    record Uplift(Double purchaseRate, Double spendPerCustomer) {}

    private static Report render(OfferPerformance performance, Instant now, int replicas) {
        OfferPerformance.Uplift uplift = performance.uplift();
        return new Report(now.toString(), replicas, performance.offers().stream().map(ReportsHandler::render).toList(),
                render(uplift.treatment()), render(uplift.control()), new Uplift(uplift.purchaseRate(), uplift.spendPerCustomer()));
    }

    private static OfferRow render(OfferPerformance.OfferTotals offer) {
        return new OfferRow(offer.offerId(), offer.impressions(), offer.clicks(), offer.dismissals(), offer.conversions(),
                offer.clickThroughRate(), offer.conversionRate());
    }

    private static GroupRow render(OfferPerformance.GroupTotals group) {
        return new GroupRow(group.customers(), group.buyers(), group.spend(), group.purchaseRate(), group.spendPerCustomer());
    }
}
