package io.nudge.offers;

import java.util.List;

/**
 * Where the visitor is right now, as the page tells us: the page type, the category and item on screen, and
 * the items in the cart as the page sees them. Every part may be absent.
 */
public record RecommendationContext(String page, String category, String item, List<String> cart) {

    public static final RecommendationContext NONE = new RecommendationContext(null, null, null, List.of());

    public RecommendationContext {
        cart = cart == null ? List.of() : List.copyOf(cart);
    }
}
