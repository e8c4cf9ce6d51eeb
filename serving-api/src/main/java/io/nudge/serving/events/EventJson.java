package io.nudge.serving.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.events.EventTypes;
import io.nudge.events.FieldError;
import io.nudge.schemas.Channel;
import io.nudge.schemas.EventType;
import io.nudge.schemas.InteractionEvent;
import io.nudge.documents.JsonFields;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * Reads one event from its JSON form, as websites send it:
 * <pre>{"type": "product_view", "customerId": "c-1", "itemId": "sku-1", "category": "garden", "eventTime": "2026-11-25T10:00:00Z"}</pre>
 * Names follow the Avro schema; {@code type} and {@code channel} are lower case; {@code eventTime} is ISO-8601 or
 * epoch milliseconds and defaults to the time of receipt; {@code eventId} defaults to a random UUID.
 */
public final class EventJson {

    private static final Set<String> FIELDS = Set.of("eventId", "customerId", "anonymousId", "sessionId", "type", "eventTime",
            "itemId", "category", "price", "currency", "quantity", "offerId", "channel", "page", "attributes");

    private EventJson() {}

    /** The event, or the problems with it: one of the two lists of a {@link Parsed} is empty. */
    public record Parsed(InteractionEvent event, List<FieldError> errors) {}

    public static Parsed parse(JsonNode node, Instant receivedAt) {
        JsonFields fields = JsonFields.of(node, "an event", FIELDS);
        if (!fields.isObject()) {
            return new Parsed(null, fields.errors());
        }
        Instant eventTime = fields.instant("eventTime");
        InteractionEvent.Builder event = InteractionEvent.newBuilder()
                .setEventId(orDefault(fields.text("eventId"), UUID.randomUUID().toString()))
                .setCustomerId(fields.text("customerId"))
                .setAnonymousId(fields.text("anonymousId"))
                .setSessionId(fields.text("sessionId"))
                .setItemId(fields.text("itemId"))
                .setCategory(fields.text("category"))
                .setCurrency(fields.text("currency"))
                .setOfferId(fields.text("offerId"))
                .setPage(fields.text("page"))
                .setPrice(fields.number("price"))
                .setQuantity(fields.integer("quantity"))
                .setEventTime(eventTime != null ? eventTime : receivedAt)
                .setType(type(fields))
                .setChannel(channel(fields))
                .setAttributes(fields.stringMap("attributes"));
        return fields.errors().isEmpty() ? new Parsed(event.build(), List.of()) : new Parsed(null, fields.errors());
    }

    private static String orDefault(String value, String fallback) {
        return value != null ? value : fallback;
    }

    private static EventType type(JsonFields fields) {
        if (!fields.has("type")) {
            fields.error("type", "is required; one of " + EventTypes.wireNames());
            return EventType.UNKNOWN;
        }
        String name = fields.text("type");
        return EventTypes.fromWireName(name).orElseGet(() -> {
            if (name != null) {
                fields.error("type", "unknown event type '" + name + "'; one of " + EventTypes.wireNames());
            }
            return EventType.UNKNOWN;
        });
    }

    /** A channel by its lower-case name (web, email, sms, push), or null when absent or unknown (reported). */
    private static Channel channel(JsonFields fields) {
        String value = fields.text("channel");
        if (value == null) {
            return null;
        }
        for (Channel channel : Channel.values()) {
            if (channel != Channel.UNKNOWN && channel.name().toLowerCase(Locale.ROOT).equals(value)) {
                return channel;
            }
        }
        fields.error("channel", "must be one of web, email, sms, push");
        return null;
    }
}
