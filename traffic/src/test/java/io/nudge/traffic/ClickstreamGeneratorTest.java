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

    @Test
    void someVisitorsLogInAndCarryBothIdsFromThen() {
        List<InteractionEvent> events = sessions(11, 2_000);
        List<InteractionEvent> logins = events.stream().filter(e -> e.getType() == EventType.IDENTIFY).toList();
        assertTrue(logins.size() > 50 && logins.size() < 200, "about 0.2 x 0.3 of sessions log in: " + logins.size());
        InteractionEvent login = logins.get(0);
        List<InteractionEvent> session = events.stream().filter(e -> e.getSessionId().equals(login.getSessionId())).toList();
        int at = session.indexOf(login);
        assertTrue(session.subList(0, at).stream().allMatch(e -> e.getCustomerId() == null), "anonymous before the login");
        assertTrue(session.subList(at, session.size()).stream().allMatch(e -> login.getCustomerId().equals(e.getCustomerId())
                && login.getAnonymousId().equals(e.getAnonymousId())), "both ids from the login on");
    }

    @Test
    void productPagesShowOffersOfTheirCategoryAndSomeAreClicked() {
        List<InteractionEvent> events = sessions(5, 2_000);
        long views = events.stream().filter(e -> e.getType() == EventType.PRODUCT_VIEW).count();
        List<InteractionEvent> impressions = events.stream().filter(e -> e.getType() == EventType.OFFER_IMPRESSION).toList();
        long clicks = events.stream().filter(e -> e.getType() == EventType.OFFER_CLICK).count();
        assertTrue(impressions.size() > views * 0.2 && impressions.size() < views * 0.4, impressions.size() + " impressions for " + views + " views");
        assertTrue(clicks > impressions.size() * 0.05 && clicks < impressions.size() * 0.15, clicks + " clicks");
        assertTrue(impressions.stream().allMatch(e -> e.getOfferId().startsWith(e.getCategory() + "-offer-")));
    }

    @Test
    void disorderMovesSomeEventTimesEarlierThanTheirPlaceInTheStream() {
        ClickstreamGenerator generator = new ClickstreamGenerator(9, 300, ClickstreamGenerator.Behaviour.DEFAULT.withDisorder(0.1, 0.01));
        List<InteractionEvent> events = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            events.addAll(generator.nextSession(START.plusSeconds(i * 60L)));
        }
        long outOfOrder = 0;
        long late = 0;
        Instant newest = START;
        for (InteractionEvent event : events) {
            java.time.Duration behind = java.time.Duration.between(event.getEventTime(), newest);
            if (behind.compareTo(java.time.Duration.ofMinutes(10)) > 0) {
                late++;
            } else if (behind.compareTo(java.time.Duration.ZERO) > 0) {
                outOfOrder++;
                assertTrue(behind.compareTo(java.time.Duration.ofSeconds(4)) <= 0, "within the watermark bound: " + behind);
            }
            newest = event.getEventTime().isAfter(newest) ? event.getEventTime() : newest;
        }
        // A shift of up to 4 s puts an event behind its predecessor only when that one came less than 4 s before.
        assertTrue(outOfOrder > events.size() * 0.01, outOfOrder + " out of order of " + events.size());
        assertTrue(late > events.size() * 0.005 && late < events.size() * 0.02, late + " late of " + events.size());
        assertEquals(List.of(), new ClickstreamGenerator(9, 300).nextSession(START).stream()
                .filter(e -> e.getEventTime().isBefore(START)).toList(), "no disorder unless asked for");
    }
}
