package io.nudge.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nudge.events.EventValidator;
import io.nudge.schemas.EventType;
import io.nudge.schemas.InteractionEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ClickstreamGeneratorTest {

    private static final Instant START = Instant.parse("2026-11-25T10:00:00Z");

    private static List<InteractionEvent> sessions(long seed, int count) {
        ClickstreamGenerator generator = new ClickstreamGenerator(seed, 300);
        List<InteractionEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.addAll(generator.nextSession(START.plusSeconds(i * 60L)));
        }
        return events;
    }

    @Test
    void sameSeedSameEvents() {
        assertEquals(sessions(42, 200), sessions(42, 200));
    }

    @Test
    void everyEventIsValidAndTheFunnelNarrows() {
        List<InteractionEvent> events = sessions(7, 2_000);
        for (InteractionEvent event : events) {
            assertEquals(List.of(), EventValidator.validate(event), event.toString());
        }
        Map<EventType, Long> counts = events.stream().collect(Collectors.groupingBy(InteractionEvent::getType, Collectors.counting()));
        assertEquals(2_000L, counts.get(EventType.PAGE_VIEW));
        assertTrue(counts.get(EventType.PRODUCT_VIEW) > counts.get(EventType.ADD_TO_CART));
        assertTrue(counts.get(EventType.ADD_TO_CART) > counts.get(EventType.CHECKOUT_START));
        assertTrue(counts.get(EventType.CHECKOUT_START) > counts.get(EventType.PURCHASE));
        long anonymous = events.stream().filter(e -> e.getType() == EventType.PAGE_VIEW && e.getCustomerId() == null).count();
        assertTrue(anonymous > 300 && anonymous < 500, "about a fifth of sessions are anonymous: " + anonymous);
    }

    @Test
    void customersMostlyBrowseTheirFavouriteCategory() {
        String favourite = ClickstreamGenerator.favouriteCategory(0);
        List<InteractionEvent> views = sessions(3, 3_000).stream()
                .filter(e -> ClickstreamGenerator.customerId(0).equals(e.getCustomerId()) && e.getType() == EventType.PRODUCT_VIEW)
                .toList();
        long inFavourite = views.stream().filter(e -> favourite.equals(e.getCategory())).count();
        assertTrue(views.size() > 20, "customer-0001 is among the most active: " + views.size());
        assertTrue(inFavourite > views.size() * 0.6, inFavourite + " of " + views.size());
    }
}
