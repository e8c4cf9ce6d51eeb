package io.nudge.catalogue;

import java.io.Serializable;

/**
 * A change of an item, as it reaches one customer who showed interest in it: the price they saw, the price now,
 * whether it just came back in stock, and when they last viewed and carted it. Price-drop and back-in-stock rules
 * decide on it alone, without the catalogue.
 *
 * @param at         when the item changed (epoch millis)
 * @param seenPrice  the item's price when the customer last showed interest, or null when unknown
 * @param price      the item's price now, or null when unknown
 * @param viewedAt   the customer's last view or cart of the item (a cart is a view too), or {@link #NEVER}
 * @param cartedAt   the customer's last cart of the item, or {@link #NEVER}
 */
public record WatchedItemChange(String itemId, String title, long at, Double seenPrice, Double price, boolean backInStock,
                                long viewedAt, long cartedAt) implements Serializable {

    public static final long NEVER = Long.MIN_VALUE;

    /** How far the price fell below the one the customer saw, in percent of it; zero when it did not fall. */
    public double dropPercent() {
        if (seenPrice == null || price == null || seenPrice <= 0 || price >= seenPrice) {
            return 0;
        }
        return (seenPrice - price) / seenPrice * 100;
    }

    /** The customer's last interest of the kind asked for: any view (carts included), or carts only. */
    public long interestAt(boolean cartedOnly) {
        return cartedOnly ? cartedAt : viewedAt;
    }
}
