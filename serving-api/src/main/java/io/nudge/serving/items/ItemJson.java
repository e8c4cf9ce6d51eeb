package io.nudge.serving.items;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.documents.JsonFields;
import io.nudge.events.EventValidator;
import io.nudge.events.FieldError;
import io.nudge.schemas.Availability;
import io.nudge.schemas.Item;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An item in its JSON form, as a shop sends it and the API lists it:
 * <pre>{"itemId": "garden-001", "title": "Spade", "url": "https://shop.example/p/garden-001",
 *  "imageUrl": "https://shop.example/img/garden-001.jpg", "category": "garden", "categoryPath": ["outdoor", "garden"],
 *  "price": 24.9, "currency": "EUR", "availability": "in_stock", "stock": 12, "brand": "Acme",
 *  "attributes": {"material": "steel"}, "publishedAt": "2026-11-01T00:00:00Z"}</pre>
 * Names follow the Avro schema; {@code version} and {@code updatedAt} are the API's to set.
 */
public final class ItemJson {

    private static final Set<String> FIELDS = Set.of("itemId", "title", "url", "imageUrl", "category", "categoryPath", "price", "currency",
            "availability", "stock", "brand", "attributes", "publishedAt", "version", "updatedAt");
    /** What changes often, and alone: {@code PATCH} takes only these. */
    private static final Set<String> PATCHABLE = Set.of("availability", "price", "stock");
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
    private static final int MAX_URL_LENGTH = 2048;

    private ItemJson() {}

    /** The item, or the problems with it: exactly one of the two is present. */
    public record Parsed(Item item, List<FieldError> errors) {}

    /** Reads a whole item; {@code pathId}, when given, is the id from the URL and must match any id in the body. */
    public static Parsed parse(JsonNode node, String pathId) {
        JsonFields fields = JsonFields.of(node, "an item", FIELDS);
        if (!fields.isObject()) {
            return new Parsed(null, fields.errors());
        }
        String itemId = fields.text("itemId");
        if (pathId != null) {
            if (itemId != null && !itemId.equals(pathId)) {
                fields.error("itemId", "does not match the id in the path '" + pathId + "'");
            }
            itemId = pathId;
        }
        fields.checkId("itemId", itemId, true);
        String title = fields.text("title");
        if (title == null || title.isBlank()) {
            fields.error("title", "is required");
        } else if (title.length() > EventValidator.MAX_TEXT_LENGTH) {
            fields.error("title", "longer than " + EventValidator.MAX_TEXT_LENGTH + " characters");
        }
        Item.Builder item = Item.newBuilder()
                .setItemId(itemId == null ? "" : itemId)
                .setTitle(title == null ? "" : title)
                .setUrl(url(fields, "url"))
                .setImageUrl(url(fields, "imageUrl"))
                .setCategory(fields.text("category"))
                .setCategoryPath(fields.has("categoryPath") ? fields.strings("categoryPath") : List.of())
                .setBrand(fields.text("brand"))
                .setAttributes(fields.has("attributes") ? fields.stringMap("attributes") : Map.of())
                .setPublishedAt(fields.instant("publishedAt"))
                .setUpdatedAt(Instant.EPOCH);
        prices(fields, item, null);
        item.setAvailability(fields.has("availability") ? availability(fields) : Availability.IN_STOCK);
        return fields.errors().isEmpty() ? new Parsed(item.build(), List.of()) : new Parsed(null, fields.errors());
    }

    /** Applies a change of availability, price or stock (nothing else) to {@code current}. */
    public static Parsed patch(JsonNode node, Item current) {
        JsonFields fields = JsonFields.of(node, "a change of availability, price or stock", PATCHABLE);
        if (!fields.isObject()) {
            return new Parsed(null, fields.errors());
        }
        if (fields.names().isEmpty()) {
            fields.error("(body)", "name at least one of availability, price, stock");
        }
        Item.Builder item = Item.newBuilder(current);
        prices(fields, item, current);
        if (fields.has("availability")) {
            item.setAvailability(availability(fields));
        }
        return fields.errors().isEmpty() ? new Parsed(item.build(), List.of()) : new Parsed(null, fields.errors());
    }

    /** Price, currency and stock, each checked; absent ones keep {@code current}'s (none for a new item). */
    private static void prices(JsonFields fields, Item.Builder item, Item current) {
        if (fields.has("price") || current == null) {
            Double price = fields.number("price");
            if (price != null && price < 0) {
                fields.error("price", "must not be negative");
            }
            item.setPrice(price);
        }
        if (fields.has("currency") || current == null) {
            String currency = fields.text("currency");
            if (currency != null && !CURRENCY.matcher(currency).matches()) {
                fields.error("currency", "must be an ISO 4217 code such as EUR");
            }
            item.setCurrency(currency);
        }
        if (fields.has("stock") || current == null) {
            Long stock = fields.longInteger("stock");
            if (stock != null && stock < 0) {
                fields.error("stock", "must not be negative");
            }
            item.setStock(stock);
        }
    }

    private static Availability availability(JsonFields fields) {
        String text = fields.text("availability");
        try {
            return Availability.valueOf(text == null ? "" : text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            fields.error("availability", "must be one of in_stock, out_of_stock, withdrawn");
            return Availability.IN_STOCK;
        }
    }

    private static String url(JsonFields fields, String field) {
        String text = fields.text(field);
        if (text == null) {
            return null;
        }
        try {
            URI uri = URI.create(text);
            if (text.length() > MAX_URL_LENGTH || uri.getHost() == null || !List.of("http", "https").contains(uri.getScheme())) {
                fields.error(field, "must be an http(s) URL of at most " + MAX_URL_LENGTH + " characters");
            }
        } catch (IllegalArgumentException e) {
            fields.error(field, "must be an http(s) URL of at most " + MAX_URL_LENGTH + " characters");
        }
        return text;
    }

    /** An item as the API shows it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record View(String itemId, int version, String title, String url, String imageUrl, String category, List<String> categoryPath,
                       Double price, String currency, String availability, Long stock, String brand, Map<String, String> attributes,
                       String publishedAt, String updatedAt) {
        public static View of(Item item) {
            return new View(item.getItemId(), item.getVersion(), item.getTitle(), item.getUrl(), item.getImageUrl(), item.getCategory(),
                    item.getCategoryPath(), item.getPrice(), item.getCurrency(), item.getAvailability().name().toLowerCase(Locale.ROOT),
                    item.getStock(), item.getBrand(), item.getAttributes(),
                    item.getPublishedAt() == null ? null : item.getPublishedAt().toString(), item.getUpdatedAt().toString());
        }
    }
}
