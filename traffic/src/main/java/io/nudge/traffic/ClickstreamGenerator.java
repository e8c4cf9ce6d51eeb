package io.nudge.traffic;

import io.nudge.schemas.EventType;
import io.nudge.schemas.InteractionEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded synthetic shoppers. Each customer has a favourite category; a session browses (mostly in it), and
 * walks the funnel view, cart, checkout, purchase with configurable drop-off, so profiles and recommendations
 * have something real to learn. Some sessions are anonymous visitors. The same seed gives the same events.
 */
public final class ClickstreamGenerator {

    /** Probabilities of moving on at each funnel step. */
    public record Funnel(double addToCart, double checkout, double purchase) {
        public static final Funnel DEFAULT = new Funnel(0.35, 0.6, 0.7);
    }

    /**
     * How shoppers behave beyond the funnel. Per session: {@code anonymousShare} browse without logging in, and
     * {@code loginShare} of those log in part-way (an identify event, then both ids). Per product view:
     * {@code impressionShare} see an offer of the category, {@code clickShare} of those click it. Per event:
     * {@code outOfOrderShare} carry an event time up to 4 s earlier than their place in the stream (within the
     * watermark bound), {@code lateShare} one 20 minutes earlier (beyond the allowed lateness).
     */
    public record Behaviour(double anonymousShare, double loginShare, Funnel funnel, double impressionShare, double clickShare,
                            double outOfOrderShare, double lateShare) {
        public static final Behaviour DEFAULT = new Behaviour(0.2, 0.3, Funnel.DEFAULT, 0.3, 0.1, 0.0, 0.0);

        public Behaviour withAnonymousShare(double share) {
            return new Behaviour(share, loginShare, funnel, impressionShare, clickShare, outOfOrderShare, lateShare);
        }

        public Behaviour withDisorder(double outOfOrder, double late) {
            return new Behaviour(anonymousShare, loginShare, funnel, impressionShare, clickShare, outOfOrder, late);
        }
    }

    private final SplittableRandom random;
    private final int customers;
    private final Behaviour behaviour;
    private long sequence;

    public ClickstreamGenerator(long seed, int customers, Behaviour behaviour) {
        if (customers < 1) {
            throw new IllegalArgumentException("customers must be at least 1, got " + customers);
        }
        this.random = new SplittableRandom(seed);
        this.customers = customers;
        this.behaviour = behaviour;
    }

    public ClickstreamGenerator(long seed, int customers) {
        this(seed, customers, Behaviour.DEFAULT);
    }

    /** The offers a category's product pages show in generated traffic. */
    public static String offerOf(String category, int index) {
        return category + "-offer-" + index;
    }

    public static String customerId(int index) {
        return String.format("customer-%04d", index + 1);
    }

    /** The category customer {@code index} prefers: fixed, so that the demo shows stable personalization. */
    public static String favouriteCategory(int index) {
        return ShopCatalogue.CATEGORIES.get(Math.floorMod(index * 7 + 3, ShopCatalogue.CATEGORIES.size()));
    }

    /** One visit of a customer drawn by popularity, its events a few seconds apart starting at {@code start}. */
    public List<InteractionEvent> nextSession(Instant start) {
        return nextSession(popularIndex(customers), start);
    }

    /** One visit of customer {@code customer} (an index below the number of customers), or of an anonymous visitor. */
    public List<InteractionEvent> nextSession(int customer, Instant start) {
        return disordered(session(customer, start));
    }

    private List<InteractionEvent> session(int customer, Instant start) {
        if (customer < 0 || customer >= customers) {
            throw new IllegalArgumentException("customer index must be in [0, " + customers + "), got " + customer);
        }
        boolean anonymous = random.nextDouble() < behaviour.anonymousShare();
        boolean logsIn = anonymous && random.nextDouble() < behaviour.loginShare();
        String sessionId = "s-" + Long.toString(++sequence, 36) + "-" + Integer.toString(random.nextInt(1 << 20), 36);
        Visitor visitor = anonymous
                ? new Visitor(null, "anon-" + Integer.toString(random.nextInt(1 << 30), 36), sessionId)
                : new Visitor(customerId(customer), null, sessionId);
        String favourite = favouriteCategory(customer);

        List<InteractionEvent> events = new ArrayList<>();
        Instant at = start;
        events.add(visitor.event(EventType.PAGE_VIEW, at).setPage("home").build());
        int views = 1 + random.nextInt(5);
        String lastItem = null;
        String lastCategory = null;
        for (int i = 0; i < views; i++) {
            at = at.plus(think());
            if (logsIn && i == views / 2) {
                visitor = visitor.loggedInAs(customerId(customer));
                events.add(visitor.event(EventType.IDENTIFY, at).setPage("login").build());
                at = at.plus(think());
            }
            lastCategory = random.nextDouble() < 0.7 ? favourite : ShopCatalogue.CATEGORIES.get(random.nextInt(ShopCatalogue.CATEGORIES.size()));
            lastItem = ShopCatalogue.item(lastCategory, popularIndex(ShopCatalogue.ITEMS_PER_CATEGORY));
            events.add(visitor.event(EventType.PRODUCT_VIEW, at).setItemId(lastItem).setCategory(lastCategory)
                    .setPrice(ShopCatalogue.price(lastItem)).setCurrency("GBP").setPage("product").build());
            if (random.nextDouble() < behaviour.impressionShare()) {
                String offer = offerOf(lastCategory, random.nextInt(3));
                events.add(visitor.event(EventType.OFFER_IMPRESSION, at).setOfferId(offer).setCategory(lastCategory).setPage("product").build());
                if (random.nextDouble() < behaviour.clickShare()) {
                    at = at.plus(think());
                    events.add(visitor.event(EventType.OFFER_CLICK, at).setOfferId(offer).setCategory(lastCategory).setPage("product").build());
                }
            }
        }
        if (random.nextDouble() >= behaviour.funnel().addToCart()) {
            return events;
        }
        int quantity = 1 + random.nextInt(3);
        double price = ShopCatalogue.price(lastItem);
        at = at.plus(think());
        events.add(visitor.event(EventType.ADD_TO_CART, at).setItemId(lastItem).setCategory(lastCategory)
                .setPrice(price).setCurrency("GBP").setQuantity(quantity).setPage("product").build());
        if (random.nextDouble() >= behaviour.funnel().checkout()) {
            return events; // abandoned cart
        }
        at = at.plus(think());
        events.add(visitor.event(EventType.CHECKOUT_START, at).setPage("checkout").build());
        if (random.nextDouble() >= behaviour.funnel().purchase()) {
            return events;
        }
        at = at.plus(think());
        events.add(visitor.event(EventType.PURCHASE, at).setItemId(lastItem).setCategory(lastCategory).setPrice(price)
                .setCurrency("GBP").setQuantity(quantity).setPage("confirmation")
                .setAttributes(Map.of("orderId", "o-" + sessionId)).build());
        return events;
    }

    /** Moves some event times earlier than their place in the stream, as clocks and retries do. */
    private List<InteractionEvent> disordered(List<InteractionEvent> events) {
        if (behaviour.outOfOrderShare() == 0 && behaviour.lateShare() == 0) {
            return events;
        }
        for (InteractionEvent event : events) {
            double draw = random.nextDouble();
            if (draw < behaviour.lateShare()) {
                event.setEventTime(event.getEventTime().minus(Duration.ofMinutes(20)));
            } else if (draw < behaviour.lateShare() + behaviour.outOfOrderShare()) {
                event.setEventTime(event.getEventTime().minusMillis(1 + random.nextInt(4_000)));
            }
        }
        return events;
    }

    /** Zipf-like: index 0 is the most popular, popularity falling as 1/(rank+1). */
    private int popularIndex(int n) {
        double harmonic = Math.log(n) + 0.5772156649 + 1.0 / (2 * n);
        double target = random.nextDouble() * harmonic;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += 1.0 / (i + 1);
            if (sum >= target) {
                return i;
            }
        }
        return n - 1;
    }

    private Duration think() {
        return Duration.ofMillis(1_000 + random.nextInt(9_000));
    }

    private final class Visitor {
        final String customerId;
        final String anonymousId;
        final String sessionId;

        Visitor(String customerId, String anonymousId, String sessionId) {
            this.customerId = customerId;
            this.anonymousId = anonymousId;
            this.sessionId = sessionId;
        }

        /** After a login: both ids on every event, so that the visitor's history follows them. */
        Visitor loggedInAs(String customer) {
            return new Visitor(customer, anonymousId, sessionId);
        }

        InteractionEvent.Builder event(EventType type, Instant at) {
            return InteractionEvent.newBuilder()
                    .setEventId(sessionId + "-" + Long.toString(++sequence, 36))
                    .setCustomerId(customerId).setAnonymousId(anonymousId).setSessionId(sessionId)
                    .setType(type).setEventTime(at);
        }
    }
}
