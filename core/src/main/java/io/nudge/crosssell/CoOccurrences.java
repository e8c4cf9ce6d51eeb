package io.nudge.crosssell;

import io.nudge.events.EventTypes;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.EventType;
import io.nudge.schemas.InteractionEvent;
import io.nudge.schemas.Order;
import io.nudge.schemas.Session;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the item pairs one event creates, from the customer's profile as it was before the event: a purchase
 * line pairs with the lines already in the same order, a product view with the items already viewed in the
 * same session. Pairs go both ways, so each item learns about the other. A purchase line also pairs its item with
 * itself, once per order, whoever bought it: the diagonal, from which the item's demand is learned.
 */
public final class CoOccurrences implements Serializable {

    /** Buying two items together says far more than looking at both. */
    public static final double BOUGHT_TOGETHER = 1.0;
    public static final double VIEWED_TOGETHER = 0.2;
    /** An order holding the item: the pair of the item with itself, which counts towards its demand. */
    public static final double SOLD = 1.0;
    /**
     * A line pairs with at most this many of the order's (or session's) latest earlier items: wholesale orders of
     * hundreds of lines would otherwise cost a quadratic number of updates for little extra signal.
     */
    public static final int MAX_COMPANIONS = 20;

    private final Duration sessionGap;

    public CoOccurrences(Duration sessionGap) {
        this.sessionGap = sessionGap;
    }

    public List<ItemPair> of(CustomerProfile before, InteractionEvent event) {
        if (event.getItemId() == null) {
            return List.of();
        }
        if (event.getType() == EventType.PURCHASE) {
            String orderId = event.getAttributes().get(EventTypes.ORDER_ID);
            List<String> order = before == null || orderId == null ? List.of() : itemsOfOrder(before, orderId);
            if (order.contains(event.getItemId())) {
                return List.of(); // already counted when it was first bought in this order
            }
            List<ItemPair> pairs = pairs(event, order, BOUGHT_TOGETHER);
            pairs.add(new ItemPair(event.getItemId(), event.getItemId(), SOLD, event.getEventTime()));
            return pairs;
        }
        if (before != null && event.getType() == EventType.PRODUCT_VIEW) {
            Session session = before.getSession();
            boolean sameSession = session != null && !event.getEventTime().isBefore(session.getStartedAt())
                    && !event.getEventTime().isAfter(session.getLastEventAt().plus(sessionGap))
                    && (event.getSessionId() == null || session.getSessionId() == null || event.getSessionId().equals(session.getSessionId()));
            return sameSession && !session.getViewedItems().contains(event.getItemId())
                    ? pairs(event, session.getViewedItems(), VIEWED_TOGETHER) : List.of();
        }
        return List.of();
    }

    private static List<String> itemsOfOrder(CustomerProfile profile, String orderId) {
        for (Order order : profile.getRecentOrders()) {
            if (orderId.equals(order.getOrderId())) {
                return order.getItemIds();
            }
        }
        return List.of();
    }

    /** The pairs of the item with its companions (which must not hold it), in a list with room for one more. */
    private static List<ItemPair> pairs(InteractionEvent event, List<String> companions, double weight) {
        String item = event.getItemId();
        List<String> latest = companions.subList(Math.max(0, companions.size() - MAX_COMPANIONS), companions.size());
        List<ItemPair> pairs = new ArrayList<>(latest.size() * 2 + 1);
        for (String other : latest) {
            pairs.add(new ItemPair(item, other, weight, event.getEventTime()));
            pairs.add(new ItemPair(other, item, weight, event.getEventTime()));
        }
        return pairs;
    }
}
