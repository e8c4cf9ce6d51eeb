package io.nudge.serving.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.nudge.schemas.Offer;
import io.nudge.schemas.OfferStatus;
import io.nudge.serving.offers.OfferStore;
import io.nudge.serving.offers.OfferJson;
import io.nudge.serving.offers.OfferPublisher;
import io.nudge.serving.kafka.AcknowledgedWriter;
import java.util.List;
import java.util.Map;

/**
 * The offers, for marketers ({@code /v1/admin/offers}): list, create, update, expire. Every change
 * is a new version of the offer on the compacted offers topic.
 */
final class OffersHandler {

    private final OfferStore offerStore;
    private final OfferPublisher publisher;
    private final ObjectMapper json;

    OffersHandler(OfferStore offerStore, OfferPublisher publisher, ObjectMapper json) {
        this.offerStore = offerStore;
        this.publisher = publisher;
        this.json = json;
    }

    void list(Context ctx) {
        List<Map<String, Object>> offers = offerStore.offers().stream().map(OfferJson::render).toList();
        ctx.json(Map.of("offers", offers));
    }

    void get(Context ctx) {
        ctx.json(OfferJson.render(existing(ctx)));
    }

    void create(Context ctx) throws AcknowledgedWriter.UnavailableException {
        Offer offer = parse(ctx, null);
        if (offerStore.get(offer.getOfferId()).isPresent()) {
            throw new ApiException(409, "offer '" + offer.getOfferId() + "' exists; update it with PUT /v1/admin/offers/"
                    + offer.getOfferId(), List.of());
        }
        offer.setVersion(1);
        ctx.status(201).json(OfferJson.render(publisher.publish(offer)));
    }

    void update(Context ctx) throws AcknowledgedWriter.UnavailableException {
        Offer current = existing(ctx);
        Offer offer = parse(ctx, current.getOfferId());
        offer.setVersion(current.getVersion() + 1);
        ctx.json(OfferJson.render(publisher.publish(offer)));
    }

    void expire(Context ctx) throws AcknowledgedWriter.UnavailableException {
        Offer current = existing(ctx);
        Offer expired = Offer.newBuilder(current).setVersion(current.getVersion() + 1).setStatus(OfferStatus.EXPIRED).build();
        ctx.json(OfferJson.render(publisher.publish(expired)));
    }

    private Offer existing(Context ctx) {
        String offerId = Requests.id(ctx.pathParam("offerId"), "offerId");
        return offerStore.get(offerId).orElseThrow(() -> new ApiException(404, "no offer '" + offerId + "'", List.of()));
    }

    private Offer parse(Context ctx, String pathId) {
        JsonNode body = Requests.jsonBody(ctx, json);
        OfferJson.Parsed parsed = OfferJson.parse(body, pathId);
        if (parsed.offer() == null) {
            throw ApiException.badRequest("invalid offer", parsed.errors());
        }
        return parsed.offer();
    }
}
