package io.nudge.events;

import io.nudge.schemas.EventType;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Event types as they are written in JSON ({@code add_to_cart}), and what each one requires. */
public final class EventTypes {

    /** Types that are about one item and so must name it. */
    public static final Set<EventType> ITEM_EVENTS =
            EnumSet.of(EventType.PRODUCT_VIEW, EventType.ADD_TO_CART, EventType.REMOVE_FROM_CART);

    /** Types that are about one offer and so must name it. */
    public static final Set<EventType> OFFER_EVENTS =
            EnumSet.of(EventType.OFFER_IMPRESSION, EventType.OFFER_CLICK, EventType.OFFER_DISMISS);

    /**
     * Types Nudge writes itself and never accepts from outside: a forget request comes through the admin API, an
     * experiment's exposure from the API that showed the variant.
     */
    public static final Set<EventType> INTERNAL = EnumSet.of(EventType.FORGET, EventType.EXPERIMENT_EXPOSURE);

    /** Attribute of a consent_change: "true" when the customer grants consent for the event's channel. */
    public static final String CONSENT_GRANTED = "granted";

    /** Attribute that groups purchase lines into one order. */
    public static final String ORDER_ID = "orderId";

    /** Attribute carrying the customer's IANA time zone, on any event. */
    public static final String TIME_ZONE = "timeZone";

    private EventTypes() {}

    public static String wireName(EventType type) {
        return type.name().toLowerCase(Locale.ROOT);
    }

    /** The known type written as {@code wireName}, if any; UNKNOWN is never a valid input. */
    public static Optional<EventType> fromWireName(String wireName) {
        if (wireName == null) {
            return Optional.empty();
        }
        return Arrays.stream(EventType.values())
                .filter(type -> type != EventType.UNKNOWN && !INTERNAL.contains(type) && wireName(type).equals(wireName))
                .findFirst();
    }

    public static List<String> wireNames() {
        return Arrays.stream(EventType.values()).filter(t -> t != EventType.UNKNOWN && !INTERNAL.contains(t)).map(EventTypes::wireName).toList();
    }
}
