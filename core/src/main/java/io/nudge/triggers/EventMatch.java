package io.nudge.triggers;

import io.nudge.events.EventTypes;
import io.nudge.schemas.EventType;
import io.nudge.schemas.InteractionEvent;
import java.io.Serializable;
import java.util.Locale;
import java.util.Map;

/**
 * Which events a condition is about: a type, and optionally equality on text fields ({@code itemId},
 * {@code category}, {@code page}, {@code channel}, {@code offerId}, {@code attributes.<name>}) and ranges on
 * numbers ({@code price}, {@code quantity}).
 */
public record EventMatch(EventType type, Map<String, String> equals, Map<String, Range> ranges) implements Serializable {

    public static final java.util.Set<String> TEXT_FIELDS = java.util.Set.of("itemId", "category", "page", "channel", "offerId");
    public static final java.util.Set<String> NUMBER_FIELDS = java.util.Set.of("price", "quantity");

    /** Inclusive bounds; either may be absent. */
    public record Range(Double atLeast, Double atMost) implements Serializable {
        boolean contains(double value) {
            return (atLeast == null || value >= atLeast) && (atMost == null || value <= atMost);
        }
    }

    public EventMatch {
        equals = Map.copyOf(equals);
        ranges = Map.copyOf(ranges);
    }

    public boolean matches(InteractionEvent event) {
        if (event.getType() != type) {
            return false;
        }
        for (Map.Entry<String, String> expected : equals.entrySet()) {
            if (!expected.getValue().equals(text(event, expected.getKey()))) {
                return false;
            }
        }
        for (Map.Entry<String, Range> range : ranges.entrySet()) {
            Double value = number(event, range.getKey());
            if (value == null || !range.getValue().contains(value)) {
                return false;
            }
        }
        return true;
    }

    static String text(InteractionEvent event, String field) {
        if (field.startsWith("attributes.")) {
            return event.getAttributes().get(field.substring("attributes.".length()));
        }
        return switch (field) {
            case "itemId" -> event.getItemId();
            case "category" -> event.getCategory();
            case "page" -> event.getPage();
            case "offerId" -> event.getOfferId();
            case "channel" -> event.getChannel() == null ? null : event.getChannel().name().toLowerCase(Locale.ROOT);
            default -> null;
        };
    }

    static Double number(InteractionEvent event, String field) {
        return switch (field) {
            case "price" -> event.getPrice();
            case "quantity" -> event.getQuantity() == null ? null : event.getQuantity().doubleValue();
            default -> null;
        };
    }

    @Override
    public String toString() {
        return EventTypes.wireName(type) + (equals.isEmpty() ? "" : " " + equals) + (ranges.isEmpty() ? "" : " " + ranges);
    }
}
