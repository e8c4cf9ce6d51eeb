package io.nudge.profile;

import io.nudge.events.ProfileKeys;
import io.nudge.schemas.CartLine;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.InteractionEvent;
import io.nudge.schemas.Purchase;
import io.nudge.schemas.ViewedItem;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Folds one event into a customer's profile. Plain Java so that the live job, replays and tests share it.
 *
 * <p>Events may arrive out of order (within the watermark bound): everything keyed by time (recently viewed,
 * last purchase, affinity decay) is placed by event time, not by arrival, so a late view does not become the
 * "most recent" one.
 */
public final class ProfileUpdater implements Serializable {

    private final ProfileSettings settings;
    private final double decayPerMilli;

    public ProfileUpdater(ProfileSettings settings) {
        this.settings = Objects.requireNonNull(settings);
        this.decayPerMilli = Math.log(2) / settings.affinityHalfLife().toMillis();
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
            default -> { }
        }
        double weight = settings.affinityWeight(event.getType());
        if (weight > 0 && event.getCategory() != null) {
            addAffinity(profile, event.getCategory(), weight, at);
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

    private void recordView(CustomerProfile profile, InteractionEvent event) {
        List<ViewedItem> viewed = new ArrayList<>(profile.getRecentlyViewed());
        viewed.removeIf(item -> item.getItemId().equals(event.getItemId()) && !item.getViewedAt().isAfter(event.getEventTime()));
        if (viewed.stream().noneMatch(item -> item.getItemId().equals(event.getItemId()))) {
            viewed.add(new ViewedItem(event.getItemId(), event.getCategory(), event.getEventTime()));
        }
        viewed.sort(Comparator.comparing(ViewedItem::getViewedAt).reversed().thenComparing(ViewedItem::getItemId));
        profile.setRecentlyViewed(cap(viewed, settings.recentlyViewedMax()));
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
        if (cart.size() > settings.cartMaxLines()) {
            cart.sort(Comparator.comparing(CartLine::getAddedAt).reversed().thenComparing(CartLine::getItemId));
            cart = cap(cart, settings.cartMaxLines());
        }
        profile.setCart(cart);
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
    private static void recordPurchase(CustomerProfile profile, InteractionEvent event) {
        int quantity = event.getQuantity() != null ? event.getQuantity() : 1;
        double value = event.getPrice() != null ? event.getPrice() * quantity : 0.0;
        String orderId = event.getAttributes().get("orderId");
        Purchase last = profile.getLastPurchase();
        boolean sameOrder = last != null && orderId != null && orderId.equals(last.getOrderId());
        if (!sameOrder) {
            profile.setPurchaseCount(profile.getPurchaseCount() + 1);
        }
        profile.setTotalSpend(profile.getTotalSpend() + value);
        if (sameOrder) {
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

    /**
     * Affinity decays exponentially with event time. Scores are held as of the newest event seen, so an event
     * that arrives late adds its weight already decayed instead of resetting the clock.
     */
    private void addAffinity(CustomerProfile profile, String category, double weight, Instant at) {
        Map<String, Double> affinity = new HashMap<>(profile.getCategoryAffinity());
        long ageMillis = profile.getAffinityAsOf().toEpochMilli() - at.toEpochMilli();
        if (ageMillis < 0) {
            double factor = Math.exp(decayPerMilli * ageMillis);
            affinity.replaceAll((name, score) -> score * factor);
            profile.setAffinityAsOf(at);
            ageMillis = 0;
        }
        affinity.merge(category, weight * Math.exp(-decayPerMilli * ageMillis), Double::sum);
        if (affinity.size() > settings.categoriesMax()) {
            affinity.entrySet().stream()
                    .min(Map.Entry.<String, Double>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                    .ifPresent(weakest -> affinity.remove(weakest.getKey()));
        }
        profile.setCategoryAffinity(affinity);
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
