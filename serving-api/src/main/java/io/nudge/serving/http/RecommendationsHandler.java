package io.nudge.serving.http;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.nudge.events.Pseudonyms;
import io.nudge.offers.NextBestOffers;
import io.nudge.offers.RecommendationContext;
import io.nudge.offers.RecommendedItem;
import io.nudge.offers.ScoredOffer;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.Offer;
import io.nudge.serving.offers.OfferCatalogue;
import io.nudge.serving.store.AssociationStore;
import io.nudge.serving.store.ProfileStore;
import io.nudge.serving.store.TrendingStore;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jetbrains.annotations.NotNull;

/**
 * {@code GET /v1/customers/{id}/recommendations}: the best offers and items for this visitor now, for the page
 * they are on ({@code page}, {@code category}, {@code item}, {@code cart}) and the channel ({@code channel},
 * default web). {@code explain=true} adds each factor's contribution. A visitor without a profile (new or
 * anonymous) gets trending and business-value rankings, flagged {@code personalized: false}.
 */
final class RecommendationsHandler implements Handler {

    static final int DEFAULT_LIMIT = 5;
    static final int MAX_LIMIT = 50;
    static final int MAX_CART_ITEMS = 100;
    private static final Set<String> CHANNELS = Set.of("web", "email", "sms", "push");

    private final ProfileStore profiles;
    private final OfferCatalogue catalogue;
    private final AssociationStore associations;
    private final TrendingStore trending;
    private final NextBestOffers nextBestOffers;
    private final Pseudonyms pseudonyms;
    private final Clock clock;

    RecommendationsHandler(ProfileStore profiles, OfferCatalogue catalogue, AssociationStore associations, TrendingStore trending,
                           NextBestOffers nextBestOffers, Pseudonyms pseudonyms, Clock clock) {
        this.pseudonyms = pseudonyms;
        this.profiles = profiles;
        this.catalogue = catalogue;
        this.associations = associations;
        this.trending = trending;
        this.nextBestOffers = nextBestOffers;
        this.clock = clock;
    }

    @Override
    public void handle(@NotNull Context ctx) {
        String visitorId = Requests.id(ctx.pathParam("id"), "id");
        int limit = Requests.intParam(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        boolean explain = Requests.boolParam(ctx, "explain");
        String channel = ctx.queryParam("channel") == null ? "web" : ctx.queryParam("channel").toLowerCase(Locale.ROOT);
        if (!CHANNELS.contains(channel)) {
            throw ApiException.badRequest("channel", "must be one of web, email, sms, push");
        }
        RecommendationContext context = new RecommendationContext(Requests.optionalId(ctx, "page"),
                Requests.optionalId(ctx, "category"), Requests.optionalId(ctx, "item"), Requests.idList(ctx, "cart", MAX_CART_ITEMS));
        Instant now = clock.instant();
        String profileKey = pseudonyms.of(visitorId);
        CustomerProfile profile = profiles.get(profileKey).orElse(null);
        String scope = context.category() != null && !trending.items(context.category()).isEmpty() ? context.category() : TrendingStore.WHOLE_SHOP;
        NextBestOffers.Market market = new NextBestOffers.Market(catalogue.offers(), associations, trending.categoryShares(),
                trending.items(scope));
        NextBestOffers.Result result = nextBestOffers.recommend(profileKey, profile, context, channel, now, limit, market);

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("customerId", visitorId);
        body.put("personalized", profile != null && result.group() == NextBestOffers.Group.TREATMENT);
        body.put("group", result.group().name().toLowerCase(Locale.ROOT));
        body.put("profileKey", profile != null ? profile.getProfileKey() : null);
        body.put("profileSequence", profile != null ? profile.getSequence() : null);
        body.put("lifecycleStage", result.metrics() != null ? result.metrics().stage().wireName() : null);
        body.put("offers", result.offers().stream().map(scored -> render(scored, explain)).toList());
        body.put("items", result.items().stream().map(item -> render(item, explain)).toList());
        ctx.json(body);
    }

    private static Map<String, Object> render(ScoredOffer scored, boolean explain) {
        Offer offer = scored.offer();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("offerId", offer.getOfferId());
        out.put("title", offer.getTitle());
        out.put("category", offer.getCategory());
        out.put("itemIds", offer.getItemIds());
        out.put("score", round(scored.score()));
        if (explain) {
            out.put("explain", rounded(scored.factors()));
        }
        return out;
    }

    private static Map<String, Object> render(RecommendedItem item, boolean explain) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("itemId", item.itemId());
        out.put("score", round(item.score()));
        if (explain) {
            out.put("explain", rounded(item.factors()));
        }
        return out;
    }

    private static Map<String, Double> rounded(Map<String, Double> factors) {
        Map<String, Double> out = new LinkedHashMap<>();
        factors.forEach((name, value) -> out.put(name, round(value)));
        return out;
    }

    private static double round(double value) {
        return Math.round(value * 10_000) / 10_000.0;
    }
}
