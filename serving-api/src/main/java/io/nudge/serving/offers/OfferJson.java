package io.nudge.serving.offers;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.documents.JsonFields;
import io.nudge.events.EventValidator;
import io.nudge.events.FieldError;
import io.nudge.profile.LifecycleStage;
import io.nudge.schemas.Offer;
import io.nudge.schemas.OfferStatus;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * An offer in its JSON form, as marketers write it and the API lists it:
 * <pre>{"offerId": "garden-10", "title": "10% off garden tools", "category": "garden", "itemIds": ["spade"],
 *  "businessValue": 1.2, "lifecycleStages": ["active", "vip"], "minCartValue": 30, "excludeIfBought": false}</pre>
 * Names follow the Avro schema; {@code version} and {@code status} are managed by the API.
 */
public final class OfferJson {

    private static final Set<String> FIELDS = Set.of("offerId", "title", "category", "itemIds", "businessValue", "priority",
            "validFrom", "validUntil", "lifecycleStages", "minLifetimeValue", "minCartValue", "categories", "channels", "budget",
            "excludeIfBought", "maxDismissals", "maxImpressionsWithoutClick", "attributes", "segments", "excludeSegments", "version", "status");
    private static final Set<String> STAGES = Set.copyOf(Arrays.stream(LifecycleStage.values()).map(LifecycleStage::wireName).toList());
    private static final Set<String> CHANNELS = Set.of("web", "email", "sms", "push");
    static final double MAX_BUSINESS_VALUE = 100;

    private OfferJson() {}

    /** The offer, or the problems with it: exactly one of the two is present. */
    public record Parsed(Offer offer, List<FieldError> errors) {}

    /** Reads an offer; {@code pathId}, when given, is the id from the URL and must match any id in the body. */
    public static Parsed parse(JsonNode node, String pathId) {
        JsonFields fields = JsonFields.of(node, "an offer", FIELDS);
        if (!fields.isObject()) {
            return new Parsed(null, fields.errors());
        }
        String offerId = fields.text("offerId");
        if (pathId != null) {
            if (offerId != null && !offerId.equals(pathId)) {
                fields.error("offerId", "does not match the id in the path '" + pathId + "'");
            }
            offerId = pathId;
        }
        fields.checkId("offerId", offerId, true);
        String title = fields.text("title");
        if (title == null || title.isBlank()) {
            fields.error("title", "is required");
        } else if (title.length() > EventValidator.MAX_TEXT_LENGTH) {
            fields.error("title", "longer than " + EventValidator.MAX_TEXT_LENGTH + " characters");
        }
        Offer.Builder offer = Offer.newBuilder()
                .setOfferId(offerId == null ? "" : offerId)
                .setTitle(title == null ? "" : title)
                .setCategory(fields.text("category"))
                .setItemIds(ids(fields, "itemIds"))
                .setBusinessValue(range(fields, "businessValue", 1.0, 0.0, MAX_BUSINESS_VALUE))
                .setPriority((int) range(fields, "priority", 0, 0, 100))
                .setValidFrom(fields.instant("validFrom"))
                .setValidUntil(fields.instant("validUntil"))
                .setLifecycleStages(oneOf(fields, "lifecycleStages", STAGES))
                .setMinLifetimeValue(nonNegative(fields, "minLifetimeValue"))
                .setMinCartValue(nonNegative(fields, "minCartValue"))
                .setCategories(fields.strings("categories"))
                .setChannels(oneOf(fields, "channels", CHANNELS))
                .setSegments(ids(fields, "segments"))
                .setExcludeSegments(ids(fields, "excludeSegments"))
                .setBudget(fields.longInteger("budget"))
                .setExcludeIfBought(Boolean.TRUE.equals(fields.bool("excludeIfBought")))
                .setMaxDismissals((int) range(fields, "maxDismissals", 3, 1, 1000))
                .setMaxImpressionsWithoutClick((int) range(fields, "maxImpressionsWithoutClick", 20, 1, 100_000))
                .setAttributes(fields.stringMap("attributes"));
        if (offer.getBudget() != null && offer.getBudget() < 0) {
            fields.error("budget", "must not be negative");
        }
        if (offer.getValidFrom() != null && offer.getValidUntil() != null && !offer.getValidUntil().isAfter(offer.getValidFrom())) {
            fields.error("validUntil", "must be after validFrom");
        }
        return fields.errors().isEmpty() ? new Parsed(offer.build(), List.of()) : new Parsed(null, fields.errors());
    }

    /** The JSON form of {@code offer}, with its version and status. */
    public static Map<String, Object> render(Offer offer) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("offerId", offer.getOfferId());
        out.put("version", offer.getVersion());
        out.put("status", offer.getStatus().name().toLowerCase(Locale.ROOT));
        out.put("title", offer.getTitle());
        out.put("category", offer.getCategory());
        out.put("itemIds", offer.getItemIds());
        out.put("businessValue", offer.getBusinessValue());
        out.put("priority", offer.getPriority());
        out.put("validFrom", offer.getValidFrom() == null ? null : offer.getValidFrom().toString());
        out.put("validUntil", offer.getValidUntil() == null ? null : offer.getValidUntil().toString());
        out.put("lifecycleStages", offer.getLifecycleStages());
        out.put("minLifetimeValue", offer.getMinLifetimeValue());
        out.put("minCartValue", offer.getMinCartValue());
        out.put("categories", offer.getCategories());
        out.put("channels", offer.getChannels());
        out.put("segments", offer.getSegments());
        out.put("excludeSegments", offer.getExcludeSegments());
        out.put("budget", offer.getBudget());
        out.put("excludeIfBought", offer.getExcludeIfBought());
        out.put("maxDismissals", offer.getMaxDismissals());
        out.put("maxImpressionsWithoutClick", offer.getMaxImpressionsWithoutClick());
        out.put("attributes", offer.getAttributes());
        return out;
    }

    public static boolean isActive(Offer offer) {
        return offer.getStatus() == OfferStatus.ACTIVE;
    }

    private static List<String> ids(JsonFields fields, String field) {
        List<String> ids = fields.strings(field);
        ids.forEach(id -> fields.checkId(field, id, true));
        return ids;
    }

    private static List<String> oneOf(JsonFields fields, String field, Set<String> allowed) {
        List<String> values = fields.strings(field);
        for (String value : values) {
            if (!allowed.contains(value)) {
                fields.error(field, "unknown value '" + value + "'; one of " + allowed.stream().sorted().toList());
            }
        }
        return values;
    }

    private static double range(JsonFields fields, String field, double defaultValue, double min, double max) {
        Double value = fields.number(field);
        if (value == null) {
            return defaultValue;
        }
        if (value < min || value > max) {
            fields.error(field, "must be between " + min + " and " + max);
            return defaultValue;
        }
        return value;
    }

    private static Double nonNegative(JsonFields fields, String field) {
        Double value = fields.number(field);
        if (value != null && value < 0) {
            fields.error(field, "must not be negative");
        }
        return value;
    }
}
