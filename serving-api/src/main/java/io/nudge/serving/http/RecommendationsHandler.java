package io.nudge.serving.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.nudge.catalogue.Catalogue;
import io.nudge.events.Pseudonyms;
import io.nudge.offers.NextBestOffers;
import io.nudge.offers.RecommendationContext;
import io.nudge.offers.RecommendedItem;
import io.nudge.offers.ScoredOffer;
import io.nudge.profile.PurchaseRhythm;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.Item;
import io.nudge.schemas.Offer;
import io.nudge.serving.offers.OfferStore;
import io.nudge.serving.store.AssociationStore;
import io.nudge.serving.experiments.OfferExperiments;
import io.nudge.segments.Boost;
import io.nudge.serving.segments.SegmentBook;
import io.nudge.serving.segments.SegmentMembers;
import io.nudge.serving.store.ProfileStore;
import io.nudge.serving.store.TrendingStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
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
    private final OfferStore offerStore;
    private final AssociationStore associations;
    private final TrendingStore trending;
    private final NextBestOffers nextBestOffers;
    private final Pseudonyms pseudonyms;
    private final ReplicaRouter router;
    private final Catalogue catalogue;
    private final Clock clock;
    private final JsonFactory json;

    private final PurchaseRhythm.Prior rhythm;
    private final Duration churnHorizon;
    private final SegmentBook segmentBook;
    private final SegmentMembers segments;
    private final OfferExperiments experiments;

    RecommendationsHandler(ProfileStore profiles, OfferStore offerStore, AssociationStore associations, TrendingStore trending,
                           Catalogue catalogue, NextBestOffers nextBestOffers, Pseudonyms pseudonyms, ReplicaRouter router, JsonFactory json, Clock clock,
                           PurchaseRhythm.Prior rhythm, Duration churnHorizon, SegmentBook segmentBook, SegmentMembers segments,
                           OfferExperiments experiments) {
        this.segmentBook = segmentBook;
        this.segments = segments;
        this.experiments = experiments;
        this.rhythm = rhythm;
        this.churnHorizon = churnHorizon;
        this.router = router;
        this.catalogue = catalogue;
        this.json = json;
        this.pseudonyms = pseudonyms;
        this.profiles = profiles;
        this.offerStore = offerStore;
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
        CustomerProfile profile = profiles.exactly(router.profileKey(ctx, "id")).orElse(null);
        if (profile != null && profile.getMergedInto() != null) {
            // An anonymous visitor who has since logged in: the customer they became may be kept by another replica.
            if (router.answeredElsewhere(ctx, profile.getMergedInto())) {
                return;
            }
            profile = profiles.exactly(profile.getMergedInto()).orElse(null);
        }
        String scope = context.category() != null && !trending.items(context.category()).isEmpty() ? context.category() : TrendingStore.WHOLE_SHOP;
        NextBestOffers.Market market = new NextBestOffers.Market(offerStore.index(), catalogue, associations, trending.categoryShares(),
                trending.items(scope), segments);
        NextBestOffers.Result result = nextBestOffers.recommend(profileKey, profile, context, channel, now, limit, explain, market,
                experiments.withheldOffers(profile, profileKey, now), itemBoost(profile == null ? profileKey : profile.getProfileKey(), profile));
        ctx.contentType(ContentType.APPLICATION_JSON).result(body(visitorId, profile, result, explain));
    }

    /**
     * With {@code explain}: when the customer will probably buy next (the 80 % interval) and the risk that they will
     * not within {@code lifecycle.churn.horizon}, from their buying rhythm; null for a customer who never bought.
     */
    /**
     * The boosts of the customer's segments on each item, by the item and its category: the catalogue's, else the one
     * the customer's own views and cart named. Null for none.
     */
    private java.util.function.ToDoubleFunction<String> itemBoost(String customerId, CustomerProfile profile) {
        Boost boost = segmentBook.boostFor(customerId, segments);
        if (boost.isEmpty()) {
            return null;
        }
        Map<String, String> named = new HashMap<>();
        if (profile != null) {
            profile.getRecentlyViewed().forEach(viewed -> named.put(viewed.getItemId(), viewed.getCategory()));
            profile.getCart().forEach(line -> named.put(line.getItemId(), line.getCategory()));
        }
        return itemId -> {
            Item item = catalogue.item(itemId);
            return boost.factor(itemId, item != null && item.getCategory() != null ? item.getCategory() : named.get(itemId));
        };
    }

    private void writeRhythm(JsonGenerator out, CustomerProfile profile) throws IOException {
        PurchaseRhythm.Estimate estimate = profile == null ? null : PurchaseRhythm.of(profile, rhythm);
        if (estimate == null) {
            out.writeNullField("nextPurchase");
            out.writeNullField("churnRisk");
            return;
        }
        Instant now = clock.instant();
        out.writeObjectFieldStart("nextPurchase");
        out.writeStringField("expected", estimate.expectedAfter(now).toString());
        out.writeStringField("earliest", estimate.earliestAfter(now).toString());
        out.writeStringField("latest", estimate.latestAfter(now).toString());
        out.writeEndObject();
        out.writeNumberField("churnRisk", round(estimate.churnRisk(now, churnHorizon)));
    }

    /** The answer, written field by field: the same document a map would serialize to, without building the maps. */
    private byte[] body(String visitorId, CustomerProfile profile, NextBestOffers.Result result, boolean explain) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(1024);
        try (JsonGenerator out = json.createGenerator(buffer)) {
            out.writeStartObject();
            out.writeStringField("customerId", visitorId);
            out.writeBooleanField("personalized", profile != null && result.group() == NextBestOffers.Group.TREATMENT);
            out.writeStringField("group", result.group().name().toLowerCase(Locale.ROOT));
            if (profile != null) {
                out.writeStringField("profileKey", profile.getProfileKey());
                out.writeNumberField("profileSequence", profile.getSequence());
            } else {
                out.writeNullField("profileKey");
                out.writeNullField("profileSequence");
            }
            out.writeStringField("lifecycleStage", result.metrics() != null ? result.metrics().stage().wireName() : null);
            if (explain) {
                writeRhythm(out, profile);
            }
            out.writeArrayFieldStart("offers");
            for (ScoredOffer scored : result.offers()) {
                Offer offer = scored.offer();
                out.writeStartObject();
                out.writeStringField("offerId", offer.getOfferId());
                out.writeStringField("title", offer.getTitle());
                out.writeStringField("category", offer.getCategory());
                out.writeArrayFieldStart("itemIds");
                for (String item : offer.getItemIds()) {
                    out.writeString(item);
                }
                out.writeEndArray();
                out.writeNumberField("score", round(scored.score()));
                if (explain) {
                    writeFactors(out, scored.factors());
                }
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeArrayFieldStart("items");
            for (RecommendedItem item : result.items()) {
                out.writeStartObject();
                out.writeStringField("itemId", item.itemId());
                writeDescription(out, catalogue.item(item.itemId()));
                out.writeNumberField("score", round(item.score()));
                if (explain) {
                    writeFactors(out, item.factors());
                }
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory", e);
        }
        return buffer.toByteArray();
    }

    /** What the shop says of a recommended item, when its catalogue holds it: enough to show it as a product tile. */
    private static void writeDescription(JsonGenerator out, Item item) throws IOException {
        if (item == null) {
            return;
        }
        out.writeStringField("title", item.getTitle());
        writeOptional(out, "url", item.getUrl());
        writeOptional(out, "imageUrl", item.getImageUrl());
        if (item.getPrice() != null) {
            out.writeNumberField("price", item.getPrice());
        }
        writeOptional(out, "currency", item.getCurrency());
    }

    private static void writeOptional(JsonGenerator out, String field, String value) throws IOException {
        if (value != null) {
            out.writeStringField(field, value);
        }
    }

    private static void writeFactors(JsonGenerator out, Map<String, Double> factors) throws IOException {
        out.writeObjectFieldStart("explain");
        for (Map.Entry<String, Double> factor : factors.entrySet()) {
            out.writeNumberField(factor.getKey(), round(factor.getValue()));
        }
        out.writeEndObject();
    }

    private static double round(double value) {
        return Math.round(value * 10_000) / 10_000.0;
    }
}
