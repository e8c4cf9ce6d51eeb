package io.nudge.catalogue;

import io.nudge.schemas.Availability;
import io.nudge.schemas.Item;
import java.util.List;

/**
 * The shop's items as the shop describes them (title, price, picture, availability), for scoring and for answers. What
 * may be recommended: an item the shop has withdrawn or sold out never; an item the catalogue does not know only while
 * the catalogue is empty (a shop that sends events but no catalogue), unless told to allow it.
 */
public interface Catalogue {

    /** No catalogue: every item may be recommended, none is described. */
    Catalogue NONE = new Catalogue() {
        @Override
        public Item item(String itemId) {
            return null;
        }

        @Override
        public boolean isEmpty() {
            return true;
        }
    };

    /**
     * The newest items of {@code category} published at or after {@code since}, newest first, at most {@code limit}:
     * how a new item without any history yet can be recommended the minute it is published.
     */
    default List<Item> newArrivals(String category, java.time.Instant since, int limit) {
        return List.of();
    }

    /**
     * Items of {@code category} that may be sold, newest first (items without a publication date last), at most
     * {@code limit}: where items like one of the category are looked for.
     */
    default List<Item> inCategory(String category, int limit) {
        return List.of();
    }

    /** The item, or null when the catalogue does not hold it. */
    Item item(String itemId);

    boolean isEmpty();

    /**
     * @param knownOnly whether a non-empty catalogue keeps items it does not hold out of recommendations
     *                  ({@code recommend.known.items.only})
     */
    default boolean mayRecommend(String itemId, boolean knownOnly) {
        Item item = item(itemId);
        if (item == null) {
            return !knownOnly || isEmpty();
        }
        return item.getAvailability() == Availability.IN_STOCK;
    }

    /** Whether an offer of these items can be taken up: one of them at least may be recommended (an offer of none can). */
    default boolean anyAvailable(List<String> itemIds, boolean knownOnly) {
        if (itemIds.isEmpty()) {
            return true;
        }
        for (String itemId : itemIds) {
            if (mayRecommend(itemId, knownOnly)) {
                return true;
            }
        }
        return false;
    }
}
