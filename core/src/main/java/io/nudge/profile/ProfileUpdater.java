package io.nudge.profile;

import io.nudge.events.EventTypes;
import io.nudge.events.ProfileKeys;
import io.nudge.experiments.ExperimentLedger;
import io.nudge.schemas.CartLine;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.InteractionEvent;
import io.nudge.schemas.OfferStats;
import io.nudge.schemas.Order;
import io.nudge.schemas.Purchase;
import io.nudge.schemas.Session;
import io.nudge.schemas.ViewedItem;
import java.io.Serializable;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Folds one event into a customer's profile. Plain Java so that the live job, replays, the offline evaluation
 * and tests share it.
 *
 * <p>Events may arrive out of order (within the watermark bound): everything keyed by time (recently viewed,
 * last purchase, orders, affinity decay, sessions) is placed by event time, not by arrival, so a late view
 * does not become the "most recent" one.
 *
 * <p>Every list and map in the profile is capped (see {@link ProfileSettings}), so a profile's size depends on
 * the settings, never on how many events the customer produced.
 */
public final class ProfileUpdater implements Serializable {

    private final ProfileSettings settings;
    private final Decay categoryDecay;
    private final Decay itemDecay;

    public ProfileUpdater(ProfileSettings settings) {
        this.settings = Objects.requireNonNull(settings);
        this.categoryDecay = Decay.halfLife(settings.affinityHalfLife());
        this.itemDecay = Decay.halfLife(settings.itemHalfLife());
    }

    public ProfileSettings settings() {
        return settings;
    }

    /**
     * Applies {@code event} to {@code current} (updated in place) or to a new profile when there is none.
     * The event must have passed {@link io.nudge.events.EventValidator#validate}.
     *
     * @return the updated profile, its sequence one higher than before
     */
    public CustomerProfile apply(CustomerProfile current, InteractionEvent event) {
        Instant at = event.getEventTime();
        CustomerProfile profile = current != null ? current : newProfile(ProfileKeys.of(event), at);
        profile.setSequence(profile.getSequence() + 1);
        if (at.isBefore(profile.getFirstSeen())) {
            profile.setFirstSeen(at);
        }
        if (at.isAfter(profile.getLastSeen())) {
            profile.setLastSeen(at);
        }
        Map<String, Long> counts = new HashMap<>(profile.getEventCounts());
        counts.merge(event.getType().name(), 1L, Long::sum);
        profile.setEventCounts(counts);

        switch (event.getType()) {
            case PRODUCT_VIEW -> recordView(profile, event);
            case ADD_TO_CART -> addToCart(profile, event);
            case REMOVE_FROM_CART -> removeFromCart(profile, event.getItemId(), event.getQuantity());
            case PURCHASE -> recordPurchase(profile, event);
            case CONSENT_CHANGE -> recordConsent(profile, event);
            default -> { }
        }
        recordOfferFeedback(profile, event);
        recordSession(profile, event);
        recordTimeZone(profile, event);
        double weight = settings.affinityWeight(event.getType());
        if (weight > 0) {
            alignAffinities(profile, at);
            long ageMillis = profile.getAffinityAsOf().toEpochMilli() - at.toEpochMilli();
            if (event.getCategory() != null) {
                profile.setCategoryAffinity(addCapped(profile.getCategoryAffinity(), event.getCategory(),
                        weight * categoryDecay.factor(ageMillis), settings.categoriesMax()));
            }
            if (event.getItemId() != null) {
                profile.setItemAffinity(addCapped(profile.getItemAffinity(), event.getItemId(),
                        weight * itemDecay.factor(ageMillis), settings.itemsMax()));
            }
        }
        return profile;
    }

    public static CustomerProfile newProfile(String profileKey, Instant firstSeen) {
        return CustomerProfile.newBuilder()
                .setProfileKey(profileKey)
                .setSequence(0)
                .setFirstSeen(firstSeen)
                .setLastSeen(firstSeen)
                .setAffinityAsOf(firstSeen)
                .build();
    }

    /**
     * Merges an anonymous visitor's profile into the customer's when an identify event links them: what the
     * visitor did before logging in counts for the customer. The customer's own consent and time zone win;
     * their sequence moves on by one so readers see the merge as one more change.
     */
    public CustomerProfile absorb(CustomerProfile customer, CustomerProfile visitor) {
        CustomerProfile merged = customer;
        merged.setSequence(merged.getSequence() + 1);
        if (visitor.getFirstSeen().isBefore(merged.getFirstSeen())) {
            merged.setFirstSeen(visitor.getFirstSeen());
        }
        if (visitor.getLastSeen().isAfter(merged.getLastSeen())) {
            merged.setLastSeen(visitor.getLastSeen());
        }
        Map<String, Long> counts = new HashMap<>(merged.getEventCounts());
        visitor.getEventCounts().forEach((type, n) -> counts.merge(type, n, Long::sum));
        merged.setEventCounts(counts);

        List<ViewedItem> viewed = new ArrayList<>(merged.getRecentlyViewed());
        viewed.addAll(visitor.getRecentlyViewed());
        merged.setRecentlyViewed(newestPerItem(viewed));

        List<CartLine> cart = new ArrayList<>(merged.getCart());
        for (CartLine line : visitor.getCart()) {
            if (findLine(cart, line.getItemId()) == null) {
                cart.add(line);
            }
        }
        merged.setCart(capCart(cart));

        Instant asOf = later(merged.getAffinityAsOf(), visitor.getAffinityAsOf());
        alignAffinities(merged, asOf);
        alignAffinities(visitor, asOf);
        Map<String, Double> categories = new HashMap<>(merged.getCategoryAffinity());
        visitor.getCategoryAffinity().forEach((c, w) -> categories.merge(c, w, Double::sum));
        merged.setCategoryAffinity(strongest(categories, settings.categoriesMax()));
        Map<String, Double> items = new HashMap<>(merged.getItemAffinity());
        visitor.getItemAffinity().forEach((i, w) -> items.merge(i, w, Double::sum));
        merged.setItemAffinity(strongest(items, settings.itemsMax()));

        List<Order> orders = new ArrayList<>(merged.getRecentOrders());
        orders.addAll(visitor.getRecentOrders());
        orders.sort(Comparator.comparing(Order::getPlacedAt).reversed());
        merged.setRecentOrders(cap(orders, settings.ordersMax()));
        merged.setPurchaseCount(merged.getPurchaseCount() + visitor.getPurchaseCount());
        merged.setTotalSpend(merged.getTotalSpend() + visitor.getTotalSpend());
        if (merged.getLastPurchase() == null || (visitor.getLastPurchase() != null
                && visitor.getLastPurchase().getPurchasedAt().isAfter(merged.getLastPurchase().getPurchasedAt()))) {
            merged.setLastPurchase(visitor.getLastPurchase());
        }
        ExperimentLedger.absorb(merged, visitor);
        if (visitor.getSession() != null && (merged.getSession() == null
                || visitor.getSession().getLastEventAt().isAfter(merged.getSession().getLastEventAt()))) {
            merged.setSession(visitor.getSession());
        }
        Map<String, OfferStats> offers = new HashMap<>(merged.getOfferHistory());
        visitor.getOfferHistory().forEach((id, stats) -> offers.merge(id, stats, ProfileUpdater::sum));
        merged.setOfferHistory(mostRecentlyShown(offers));
        Map<String, Boolean> consent = new HashMap<>(visitor.getConsent());
        consent.putAll(merged.getConsent());
        merged.setConsent(consent);
        if (merged.getTimeZone() == null) {
            merged.setTimeZone(visitor.getTimeZone());
        }
        Set<String> linked = new LinkedHashSet<>(merged.getLinkedIds());
        linked.add(visitor.getProfileKey());
        linked.addAll(visitor.getLinkedIds());
        merged.setLinkedIds(new ArrayList<>(linked));
        return merged;
    }

    private void recordView(CustomerProfile profile, InteractionEvent event) {
        List<ViewedItem> viewed = new ArrayList<>(profile.getRecentlyViewed());
        viewed.add(new ViewedItem(event.getItemId(), event.getCategory(), event.getEventTime()));
        profile.setRecentlyViewed(newestPerItem(viewed));
    }

    private List<ViewedItem> newestPerItem(List<ViewedItem> viewed) {
        viewed.sort(Comparator.comparing(ViewedItem::getViewedAt).reversed().thenComparing(ViewedItem::getItemId));
        Set<String> seen = new java.util.HashSet<>();
        List<ViewedItem> newest = new ArrayList<>();
        for (ViewedItem item : viewed) {
            if (seen.add(item.getItemId())) {
                newest.add(item);
            }
        }
        return cap(newest, settings.recentlyViewedMax());
    }

    private void addToCart(CustomerProfile profile, InteractionEvent event) {
        List<CartLine> cart = new ArrayList<>(profile.getCart());
        int quantity = event.getQuantity() != null ? event.getQuantity() : 1;
        CartLine line = findLine(cart, event.getItemId());
        if (line != null) {
            line.setQuantity(line.getQuantity() + quantity);
            if (event.getPrice() != null) {
                line.setUnitPrice(event.getPrice());
            }
        } else {
            cart.add(new CartLine(event.getItemId(), event.getCategory(), quantity, event.getPrice(), event.getEventTime()));
        }
        profile.setCart(capCart(cart));
    }

    private List<CartLine> capCart(List<CartLine> cart) {
        if (cart.size() <= settings.cartMaxLines()) {
            return cart;
        }
        cart.sort(Comparator.comparing(CartLine::getAddedAt).reversed().thenComparing(CartLine::getItemId));
        return cap(cart, settings.cartMaxLines());
    }

    private static void removeFromCart(CustomerProfile profile, String itemId, Integer quantity) {
        List<CartLine> cart = new ArrayList<>(profile.getCart());
        CartLine line = findLine(cart, itemId);
        if (line == null) {
            return;
        }
        if (quantity == null || quantity >= line.getQuantity()) {
            cart.remove(line);
        } else {
            line.setQuantity(line.getQuantity() - quantity);
        }
        profile.setCart(cart);
    }

    /**
     * A purchase event is one order line. Lines that share an orderId count as one order; the purchased item
     * leaves the cart (a purchase naming no item empties it).
     */
    private void recordPurchase(CustomerProfile profile, InteractionEvent event) {
        int quantity = event.getQuantity() != null ? event.getQuantity() : 1;
        double value = event.getPrice() != null ? event.getPrice() * quantity : 0.0;
        String orderId = event.getAttributes().get(EventTypes.ORDER_ID);
        Order order = orderId == null ? null : findOrder(profile, orderId);
        if (order == null) {
            profile.setPurchaseCount(profile.getPurchaseCount() + 1);
            order = new Order(orderId, event.getEventTime(), 0.0, new ArrayList<>());
            List<Order> orders = new ArrayList<>(profile.getRecentOrders());
            orders.add(order);
            orders.sort(Comparator.comparing(Order::getPlacedAt).reversed());
            profile.setRecentOrders(cap(orders, settings.ordersMax()));
        }
        order.setValue(order.getValue() + value);
        if (event.getItemId() != null && !order.getItemIds().contains(event.getItemId())) {
            List<String> items = new ArrayList<>(order.getItemIds());
            items.add(event.getItemId());
            order.setItemIds(items);
        }
        profile.setTotalSpend(profile.getTotalSpend() + value);

        Purchase last = profile.getLastPurchase();
        if (last != null && orderId != null && orderId.equals(last.getOrderId())) {
            last.setValue(last.getValue() + value);
        } else if (last == null || !event.getEventTime().isBefore(last.getPurchasedAt())) {
            profile.setLastPurchase(new Purchase(event.getEventTime(), orderId, event.getItemId(), value, event.getCurrency()));
        }
        if (event.getItemId() == null) {
            profile.setCart(new ArrayList<>());
        } else {
            removeFromCart(profile, event.getItemId(), null);
        }
    }

    private static Order findOrder(CustomerProfile profile, String orderId) {
        for (Order order : profile.getRecentOrders()) {
            if (orderId.equals(order.getOrderId())) {
                return order;
            }
        }
        return null;
    }

    private static void recordConsent(CustomerProfile profile, InteractionEvent event) {
        Map<String, Boolean> consent = new HashMap<>(profile.getConsent());
        consent.put(channelName(event), Boolean.parseBoolean(event.getAttributes().get(EventTypes.CONSENT_GRANTED)));
        profile.setConsent(consent);
    }

    public static String channelName(InteractionEvent event) {
        return event.getChannel().name().toLowerCase(Locale.ROOT);
    }

    private void recordOfferFeedback(CustomerProfile profile, InteractionEvent event) {
        String offerId = event.getOfferId();
        if (offerId == null) {
            return;
        }
        Map<String, OfferStats> history = new HashMap<>(profile.getOfferHistory());
        OfferStats stats = history.computeIfAbsent(offerId, id -> new OfferStats(0, 0, 0, 0, null));
        switch (event.getType()) {
            case OFFER_IMPRESSION -> {
                stats.setImpressions(stats.getImpressions() + 1);
                if (stats.getLastImpressionAt() == null || event.getEventTime().isAfter(stats.getLastImpressionAt())) {
                    stats.setLastImpressionAt(event.getEventTime());
                }
            }
            case OFFER_CLICK -> stats.setClicks(stats.getClicks() + 1);
            case OFFER_DISMISS -> stats.setDismissals(stats.getDismissals() + 1);
            case PURCHASE -> stats.setConversions(stats.getConversions() + 1);
            default -> { }
        }
        profile.setOfferHistory(mostRecentlyShown(history));
    }

    private Map<String, OfferStats> mostRecentlyShown(Map<String, OfferStats> history) {
        if (history.size() <= settings.offersMax()) {
            return history;
        }
        Comparator<Map.Entry<String, OfferStats>> recentFirst = Comparator.comparing(
                (Map.Entry<String, OfferStats> e) -> e.getValue().getLastImpressionAt(),
                Comparator.nullsLast(Comparator.reverseOrder())).thenComparing(Map.Entry::getKey);
        Map<String, OfferStats> kept = new HashMap<>();
        history.entrySet().stream().sorted(recentFirst).limit(settings.offersMax()).forEach(e -> kept.put(e.getKey(), e.getValue()));
        return kept;
    }

    private static OfferStats sum(OfferStats a, OfferStats b) {
        Instant last = a.getLastImpressionAt() == null ? b.getLastImpressionAt()
                : b.getLastImpressionAt() == null ? a.getLastImpressionAt() : later(a.getLastImpressionAt(), b.getLastImpressionAt());
        return new OfferStats(a.getImpressions() + b.getImpressions(), a.getClicks() + b.getClicks(),
                a.getDismissals() + b.getDismissals(), a.getConversions() + b.getConversions(), last);
    }

    /**
     * Sessions follow event time: an event more than the session gap after the current session's last event
     * (or carrying another session id) starts a new one; an event from before the current session began is
     * history and leaves it alone.
     */
    private void recordSession(CustomerProfile profile, InteractionEvent event) {
        Instant at = event.getEventTime();
        Session session = profile.getSession();
        boolean otherSessionId = session != null && event.getSessionId() != null && session.getSessionId() != null
                && !event.getSessionId().equals(session.getSessionId());
        if (session != null && at.isBefore(session.getStartedAt())) {
            return;
        }
        if (session == null || otherSessionId || at.isAfter(session.getLastEventAt().plus(settings.sessionGap()))) {
            session = new Session(event.getSessionId(), at, at, 0, 0, new HashMap<>(), new ArrayList<>());
            profile.setSession(session);
        }
        if (at.isAfter(session.getLastEventAt())) {
            session.setLastEventAt(at);
        }
        session.setEvents(session.getEvents() + 1);
        switch (event.getType()) {
            case PAGE_VIEW, PRODUCT_VIEW -> session.setPageViews(session.getPageViews() + 1);
            default -> { }
        }
        if (event.getCategory() != null) {
            Map<String, Integer> categories = new HashMap<>(session.getCategoryViews());
            categories.merge(event.getCategory(), 1, Integer::sum);
            if (categories.size() <= settings.categoriesMax()) {
                session.setCategoryViews(categories);
            }
        }
        if (event.getType() == io.nudge.schemas.EventType.PRODUCT_VIEW && !session.getViewedItems().contains(event.getItemId())
                && session.getViewedItems().size() < settings.sessionItemsMax()) {
            List<String> items = new ArrayList<>(session.getViewedItems());
            items.add(event.getItemId());
            session.setViewedItems(items);
        }
    }

    private static void recordTimeZone(CustomerProfile profile, InteractionEvent event) {
        String zone = event.getAttributes().get(EventTypes.TIME_ZONE);
        if (zone == null) {
            return;
        }
        try {
            profile.setTimeZone(ZoneId.of(zone).getId());
        } catch (DateTimeException e) {
            // A wrong zone from one page must not wipe a good one; the event is otherwise fine.
        }
    }

    /**
     * Affinities are held as of the newest event seen, so an event that arrives late adds its weight already
     * decayed instead of resetting the clock. Moves both maps forward to {@code at} when it is newer.
     */
    private void alignAffinities(CustomerProfile profile, Instant at) {
        long ageMillis = at.toEpochMilli() - profile.getAffinityAsOf().toEpochMilli();
        if (ageMillis <= 0) {
            return;
        }
        double categoryFactor = categoryDecay.factor(ageMillis);
        double itemFactor = itemDecay.factor(ageMillis);
        Map<String, Double> categories = new HashMap<>(profile.getCategoryAffinity());
        categories.replaceAll((name, score) -> score * categoryFactor);
        Map<String, Double> items = new HashMap<>(profile.getItemAffinity());
        items.replaceAll((name, score) -> score * itemFactor);
        profile.setCategoryAffinity(categories);
        profile.setItemAffinity(items);
        profile.setAffinityAsOf(at);
    }

    private static Map<String, Double> addCapped(Map<String, Double> current, String key, double weight, int max) {
        Map<String, Double> updated = new HashMap<>(current);
        updated.merge(key, weight, Double::sum);
        return strongest(updated, max);
    }

    private static Map<String, Double> strongest(Map<String, Double> scores, int max) {
        if (scores.size() <= max) {
            return scores;
        }
        Map<String, Double> kept = new HashMap<>();
        scores.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(max)
                .forEach(e -> kept.put(e.getKey(), e.getValue()));
        return kept;
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static CartLine findLine(List<CartLine> cart, String itemId) {
        for (CartLine line : cart) {
            if (line.getItemId().equals(itemId)) {
                return line;
            }
        }
        return null;
    }

    private static <T> List<T> cap(List<T> list, int max) {
        return list.size() <= max ? list : new ArrayList<>(list.subList(0, max));
    }
}
