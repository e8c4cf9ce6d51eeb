package io.nudge.catalogue;

import io.nudge.schemas.Item;
import java.util.List;
import java.util.Map;

/**
 * How alike two items are by what the shop says of them, 0..1: the category path they share, the brand, the
 * attributes, and the price band. It needs no history, so an item published a minute ago is already similar to the
 * items people look at, and an item nobody has bought yet already has neighbours to show on its page.
 */
public final class ContentSimilarity {

    static final double CATEGORY = 0.4;
    static final double BRAND = 0.2;
    static final double ATTRIBUTES = 0.2;
    static final double PRICE = 0.2;
    private static final double LOG_2 = Math.log(2);

    private ContentSimilarity() {}

    public static double between(Item a, Item b) {
        return CATEGORY * category(a, b) + BRAND * (a.getBrand() != null && a.getBrand().equalsIgnoreCase(nullToEmpty(b.getBrand())) ? 1 : 0)
                + ATTRIBUTES * attributes(a.getAttributes(), b.getAttributes()) + PRICE * price(a.getPrice(), b.getPrice());
    }

    /** The share of the longer category path the two have in common from the top; the category alone when no path. */
    static double category(Item a, Item b) {
        List<String> left = a.getCategoryPath();
        List<String> right = b.getCategoryPath();
        if (left.isEmpty() || right.isEmpty()) {
            return a.getCategory() != null && a.getCategory().equals(b.getCategory()) ? 1 : 0;
        }
        int shared = 0;
        while (shared < Math.min(left.size(), right.size()) && left.get(shared).equals(right.get(shared))) {
            shared++;
        }
        return (double) shared / Math.max(left.size(), right.size());
    }

    /** The share of attributes, over those either item has, that both have with the same value. */
    static double attributes(Map<String, String> a, Map<String, String> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return 0;
        }
        int same = 0;
        for (Map.Entry<String, String> attribute : a.entrySet()) {
            same += attribute.getValue().equalsIgnoreCase(nullToEmpty(b.get(attribute.getKey()))) ? 1 : 0;
        }
        return (double) same / (a.size() + b.size() - same);
    }

    /** 1 for the same price, falling to 0 at twice or half of it: a price band without fixed band edges. */
    static double price(Double a, Double b) {
        if (a == null || b == null || a <= 0 || b <= 0) {
            return 0;
        }
        return Math.max(0, 1 - Math.abs(Math.log(a / b)) / LOG_2);
    }

    private static String nullToEmpty(String text) {
        return text == null ? "" : text;
    }
}
