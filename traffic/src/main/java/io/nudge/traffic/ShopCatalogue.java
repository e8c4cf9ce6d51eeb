package io.nudge.traffic;

import java.util.List;

/**
 * The synthetic shop the generator browses: categories of items named {@code <category>-<nnn>}, matching the
 * bundled demo offers.
 */
public final class ShopCatalogue {

    public static final List<String> CATEGORIES =
            List.of("garden", "kitchen", "lighting", "toys", "stationery", "textiles", "party", "home-decor");
    public static final int ITEMS_PER_CATEGORY = 12;

    private ShopCatalogue() {}

    public static String item(String category, int index) {
        return String.format("%s-%03d", category, index + 1);
    }

    /** A stable price per item, between 1.95 and 49.95. */
    public static double price(String itemId) {
        return 1.95 + Math.floorMod(itemId.hashCode(), 48);
    }
}
