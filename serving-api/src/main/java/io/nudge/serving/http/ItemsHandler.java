package io.nudge.serving.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.nudge.events.FieldError;
import io.nudge.schemas.Item;
import io.nudge.serving.items.ItemJson;
import io.nudge.serving.items.ItemPublisher;
import io.nudge.serving.items.ItemStore;
import io.nudge.serving.kafka.AcknowledgedWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The shop's item catalogue ({@code /v1/admin/items}): list and search, one item, put one, change its availability,
 * price or stock, and put hundreds at once with a result per item. Every change is a new version on the compacted
 * items topic; a put that changes nothing writes nothing.
 */
final class ItemsHandler {

    static final int MAX_BATCH = 1_000;

    private final ItemStore store;
    private final ItemPublisher publisher;
    private final ObjectMapper json;

    ItemsHandler(ItemStore store, ItemPublisher publisher, ObjectMapper json) {
        this.store = store;
        this.publisher = publisher;
        this.json = json;
    }

    /** A page of the catalogue: the items matching the query, and how many the catalogue holds. */
    record Items(List<ItemJson.View> items, int total) {}

    /** What became of one item of a batch: its version now, or the fields at fault. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ItemResult(int index, String itemId, String status, Integer version, List<FieldError> fields) {}

    record BatchResult(int accepted, int rejected, List<ItemResult> results) {}

    void list(Context ctx) {
        int limit = Requests.intParam(ctx, "limit", 100, 1, 1_000);
        ctx.json(new Items(store.search(ctx.queryParam("query"), limit).stream().map(ItemJson.View::of).toList(), store.size()));
    }

    /** The demo shop's catalogue: every item (a demo holds a few hundred), by id. */
    void shopCatalogue(Context ctx) {
        ctx.json(new Items(store.search("", 1_000).stream().map(ItemJson.View::of).toList(), store.size()));
    }

    void get(Context ctx) {
        ctx.json(ItemJson.View.of(existing(ctx)));
    }

    void put(Context ctx) throws AcknowledgedWriter.UnavailableException {
        String itemId = Requests.id(ctx.pathParam("itemId"), "itemId");
        ItemJson.Parsed parsed = ItemJson.parse(Requests.jsonBody(ctx, json), itemId);
        if (parsed.item() == null) {
            throw ApiException.badRequest("invalid item", parsed.errors());
        }
        ItemPublisher.Published published = publisher.publish(parsed.item());
        ctx.status(published.outcome() == ItemPublisher.Outcome.CREATED ? 201 : 200).json(ItemJson.View.of(published.item()));
    }

    void patch(Context ctx) throws AcknowledgedWriter.UnavailableException {
        ItemJson.Parsed parsed = ItemJson.patch(Requests.jsonBody(ctx, json), existing(ctx));
        if (parsed.item() == null) {
            throw ApiException.badRequest("invalid change", parsed.errors());
        }
        ctx.json(ItemJson.View.of(publisher.publish(parsed.item()).item()));
    }

    void putMany(Context ctx) throws AcknowledgedWriter.UnavailableException {
        JsonNode body = Requests.jsonBody(ctx, json);
        if (!body.isArray() || body.isEmpty() || body.size() > MAX_BATCH) {
            throw ApiException.badRequest("expected a JSON array of 1 to " + MAX_BATCH + " items",
                    List.of(new FieldError("(body)", "must be an array of 1 to " + MAX_BATCH + " items")));
        }
        List<ItemResult> results = new ArrayList<>();
        int accepted = 0;
        for (int i = 0; i < body.size(); i++) {
            ItemJson.Parsed parsed = ItemJson.parse(body.get(i), null);
            if (parsed.item() == null) {
                results.add(new ItemResult(i, body.get(i).path("itemId").asText(null), "rejected", null, parsed.errors()));
                continue;
            }
            ItemPublisher.Published published = publisher.publish(parsed.item());
            results.add(new ItemResult(i, published.item().getItemId(), published.outcome().name().toLowerCase(Locale.ROOT),
                    published.item().getVersion(), null));
            accepted++;
        }
        ctx.status(accepted == 0 ? 400 : 200).json(new BatchResult(accepted, body.size() - accepted, results));
    }

    private Item existing(Context ctx) {
        String itemId = Requests.id(ctx.pathParam("itemId"), "itemId");
        Item item = store.item(itemId);
        if (item == null) {
            throw new ApiException(404, "no item '" + itemId + "' in the catalogue", List.of());
        }
        return item;
    }
}
