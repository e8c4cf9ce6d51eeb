package io.nudge.serving.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.events.EventTypes;
import io.nudge.events.FieldError;
import io.nudge.schemas.Channel;
import io.nudge.schemas.EventType;
import io.nudge.schemas.InteractionEvent;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
        List<FieldError> errors = new ArrayList<>();
        if (node == null || !node.isObject()) {
            return new Parsed(null, List.of(new FieldError("(body)", "an event must be a JSON object")));
        }
        node.fieldNames().forEachRemaining(name -> {
            if (!FIELDS.contains(name)) {
                errors.add(new FieldError(name, "unknown field"));
            }
        });
        InteractionEvent.Builder event = InteractionEvent.newBuilder()
                .setEventId(orDefault(text(node, "eventId", errors), UUID.randomUUID().toString()))
                .setCustomerId(text(node, "customerId", errors))
                .setAnonymousId(text(node, "anonymousId", errors))
                .setSessionId(text(node, "sessionId", errors))
                .setItemId(text(node, "itemId", errors))
                .setCategory(text(node, "category", errors))
                .setCurrency(text(node, "currency", errors))
                .setOfferId(text(node, "offerId", errors))
                .setPage(text(node, "page", errors))
                .setPrice(number(node, "price", errors))
                .setQuantity(integer(node, "quantity", errors))
                .setEventTime(time(node, receivedAt, errors))
                .setType(type(node, errors))
                .setChannel(channel(node, errors))
                .setAttributes(attributes(node, errors));
        return errors.isEmpty() ? new Parsed(event.build(), List.of()) : new Parsed(null, errors);
    }

    private static String orDefault(String value, String fallback) {
        return value != null ? value : fallback;
    }

    private static String text(JsonNode node, String field, List<FieldError> errors) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            errors.add(new FieldError(field, "must be a string"));
            return null;
        }
        return value.textValue();
    }

    private static Double number(JsonNode node, String field, List<FieldError> errors) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            errors.add(new FieldError(field, "must be a number"));
            return null;
        }
        return value.doubleValue();
    }

    private static Integer integer(JsonNode node, String field, List<FieldError> errors) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            errors.add(new FieldError(field, "must be a whole number"));
            return null;
        }
        return value.intValue();
    }

    private static Instant time(JsonNode node, Instant receivedAt, List<FieldError> errors) {
        JsonNode value = node.get("eventTime");
        if (value == null || value.isNull()) {
            return receivedAt;
        }
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return Instant.ofEpochMilli(value.longValue());
        }
        if (value.isTextual()) {
            try {
                return Instant.parse(value.textValue());
            } catch (DateTimeParseException e) {
                // reported below
            }
        }
        errors.add(new FieldError("eventTime", "must be an ISO-8601 instant (2026-11-25T10:00:00Z) or epoch milliseconds"));
        return receivedAt;
    }

    private static EventType type(JsonNode node, List<FieldError> errors) {
        JsonNode value = node.get("type");
        if (value == null || value.isNull()) {
            errors.add(new FieldError("type", "is required; one of " + EventTypes.wireNames()));
            return EventType.UNKNOWN;
        }
        return EventTypes.fromWireName(value.asText()).orElseGet(() -> {
            errors.add(new FieldError("type", "unknown event type '" + value.asText() + "'; one of " + EventTypes.wireNames()));
            return EventType.UNKNOWN;
        });
    }

    private static Channel channel(JsonNode node, List<FieldError> errors) {
        String value = text(node, "channel", errors);
        if (value == null) {
            return null;
        }
        for (Channel channel : Channel.values()) {
            if (channel != Channel.UNKNOWN && channel.name().toLowerCase(Locale.ROOT).equals(value)) {
                return channel;
            }
        }
        errors.add(new FieldError("channel", "must be one of web, email, sms, push"));
        return null;
    }

    private static Map<String, String> attributes(JsonNode node, List<FieldError> errors) {
        JsonNode value = node.get("attributes");
        Map<String, String> attributes = new LinkedHashMap<>();
        if (value == null || value.isNull()) {
            return attributes;
        }
        if (!value.isObject()) {
            errors.add(new FieldError("attributes", "must be an object of strings"));
            return attributes;
        }
        value.fields().forEachRemaining(entry -> {
            if (entry.getValue().isTextual()) {
                attributes.put(entry.getKey(), entry.getValue().textValue());
            } else {
                errors.add(new FieldError("attributes." + entry.getKey(), "must be a string"));
            }
        });
        return attributes;
    }
}
