package io.nudge.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nudge.schemas.EventType;
import io.nudge.schemas.InteractionEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventValidatorTest {

    private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

    private static InteractionEvent.Builder valid() {
        return InteractionEvent.newBuilder().setEventId("e-1").setCustomerId("c-1").setType(EventType.PRODUCT_VIEW)
                .setEventTime(NOW).setItemId("sku-1").setCategory("garden").setPrice(3.5).setCurrency("GBP").setQuantity(1);
    }

    private static List<String> fields(InteractionEvent event) {
        return EventValidator.validate(event).stream().map(FieldError::field).toList();
    }

    @Test
    void aCompleteEventIsValid() {
        assertEquals(List.of(), EventValidator.validate(valid().build()));
    }

    @Test
    void eachProblemNamesItsField() {
        assertEquals(List.of("customerId"), fields(valid().setCustomerId(null).build()));
        assertEquals(List.of("type"), fields(valid().setType(EventType.UNKNOWN).build()));
        assertEquals(List.of("itemId"), fields(valid().setItemId(null).build()));
        assertEquals(List.of("price"), fields(valid().setPrice(-1.0).build()));
        assertEquals(List.of("price"), fields(valid().setPrice(Double.NaN).build()));
        assertEquals(List.of("quantity"), fields(valid().setQuantity(0).build()));
        assertEquals(List.of("currency"), fields(valid().setCurrency("euro").build()));
        assertEquals(List.of("customerId"), fields(valid().setCustomerId("x".repeat(129)).build()));
        assertEquals(List.of("customerId"), fields(valid().setCustomerId("bad\u0000id").build()));
        assertEquals(List.of("customerId"), fields(valid().setCustomerId("half\uD800").build()));
        assertEquals(List.of("eventTime"), fields(valid().setEventTime(Instant.ofEpochSecond(1_700_000)).build()));
        assertEquals(List.of("offerId"), fields(valid().setType(EventType.OFFER_CLICK).build()));
        assertEquals(List.of("attributes.k"), fields(valid().setAttributes(Map.of("k", "v\n")).build()));
    }

    @Test
    void anonymousVisitorsNeedNoCustomerIdAndEmojiAreFine() {
        assertEquals(List.of(), EventValidator.validate(valid().setCustomerId(null).setAnonymousId("anon-\uD83D\uDE00").build()));
    }

    @Test
    void timingIsJudgedAgainstTheCallersClock() {
        Duration skew = Duration.ofMinutes(5);
        Duration age = Duration.ofDays(7);
        assertEquals(List.of(), EventValidator.validateTiming(valid().build(), NOW, skew, age));
        assertTrue(EventValidator.validateTiming(valid().setEventTime(NOW.plusSeconds(600)).build(), NOW, skew, age)
                .get(0).message().contains("future"));
        assertTrue(EventValidator.validateTiming(valid().setEventTime(NOW.minus(Duration.ofDays(8))).build(), NOW, skew, age)
                .get(0).message().contains("older"));
    }

    @Test
    void wireNamesRoundTripAndUnknownAndInternalTypesAreNeverAccepted() {
        for (EventType type : EventType.values()) {
            if (type != EventType.UNKNOWN && !EventTypes.INTERNAL.contains(type)) {
                assertEquals(type, EventTypes.fromWireName(EventTypes.wireName(type)).orElseThrow());
            }
        }
        assertTrue(EventTypes.fromWireName("unknown").isEmpty());
        assertTrue(EventTypes.fromWireName("forget").isEmpty(), "only the admin API forgets");
        assertTrue(EventTypes.fromWireName("ADD_TO_CART").isEmpty());
    }
}
