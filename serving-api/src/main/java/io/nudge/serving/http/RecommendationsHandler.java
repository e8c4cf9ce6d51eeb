package io.nudge.serving.http;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.nudge.offers.OfferRanker;
import io.nudge.offers.ScoredOffer;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.Offer;
import io.nudge.serving.offers.OfferCatalogue;
import io.nudge.serving.store.ProfileStore;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jetbrains.annotations.NotNull;

/**
 * {@code GET /v1/customers/{id}/recommendations?limit=N}: the best offers for this customer now. A customer
 * without a profile (new or anonymous) gets the non-personalised ranking, flagged as such.
 */
final class RecommendationsHandler implements Handler {

    static final int DEFAULT_LIMIT = 5;
    static final int MAX_LIMIT = 50;

    private final ProfileStore store;
    private final OfferCatalogue catalogue;
    private final OfferRanker ranker = new OfferRanker();
    private final Clock clock;

    RecommendationsHandler(ProfileStore store, OfferCatalogue catalogue, Clock clock) {
        this.store = store;
        this.catalogue = catalogue;
        this.clock = clock;
    }

    @Override
    public void handle(@NotNull Context ctx) {
        String customerId = Requests.id(ctx.pathParam("id"), "id");
        int limit = Requests.intParam(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        Instant now = clock.instant();
        CustomerProfile profile = store.get(customerId).orElse(null);
        List<ScoredOffer> ranked = ranker.rank(profile, catalogue.offers(), now, limit);

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("customerId", customerId);
        body.put("personalized", profile != null);
        body.put("profileSequence", profile != null ? profile.getSequence() : null);
        body.put("offers", ranked.stream().map(RecommendationsHandler::render).toList());
        ctx.json(body);
    }

    private static Map<String, Object> render(ScoredOffer scored) {
        Offer offer = scored.offer();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("offerId", offer.getOfferId());
        out.put("title", offer.getTitle());
        out.put("category", offer.getCategory());
        out.put("itemIds", offer.getItemIds());
        out.put("score", Math.round(scored.score() * 10_000) / 10_000.0);
        return out;
    }
}
