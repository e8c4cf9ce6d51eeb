package io.nudge.evaluation;

import io.nudge.schemas.Availability;
import io.nudge.schemas.InteractionEvent;
import io.nudge.schemas.Item;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The catalogue a shop would have sent, built from its transactions: each item is published when it is first sold,
 * titled by its description, at the price of that sale. The data has no categories, so the category path comes from
 * the stock code's digits (the shop numbers related items together, and colour variants share every digit:
 * {@code 85123A} is in {@code 85 > 851 > 85123}), and the description gives two attributes: the kind of thing (its
 * last word, such as {@code HOLDER}) and its colour when it names one.
 */
public final class RetailCatalogue {

    private static final Set<String> COLOURS = Set.of("RED", "PINK", "BLUE", "GREEN", "WHITE", "BLACK", "IVORY", "CREAM", "GOLD", "SILVER",
            "PURPLE", "YELLOW", "ORANGE", "BROWN", "GREY");

    private RetailCatalogue() {}

    /** The item {@code sale} publishes, titled by {@code description} (the code itself when there is none). */
    public static Item publishedBy(InteractionEvent sale, String description) {
        String code = sale.getItemId();
        String digits = code.replaceAll("[^0-9]", "");
        List<String> path = digits.length() >= 3 ? List.of(digits.substring(0, 2), digits.substring(0, 3), digits) : List.of(digits.isEmpty() ? code : digits);
        Map<String, String> attributes = new HashMap<>();
        String title = description == null ? code : description;
        String[] words = title.toUpperCase(Locale.ROOT).split("[^A-Z]+");
        for (String word : words) {
            if (COLOURS.contains(word)) {
                attributes.put("colour", word.toLowerCase(Locale.ROOT));
                break;
            }
        }
        for (int i = words.length - 1; i >= 0; i--) {
            if (words[i].length() > 2) {
                attributes.put("kind", words[i].toLowerCase(Locale.ROOT));
                break;
            }
        }
        return Item.newBuilder().setItemId(code).setTitle(title).setCategory(path.get(Math.min(1, path.size() - 1))).setCategoryPath(path)
                .setPrice(sale.getPrice()).setCurrency(sale.getCurrency()).setAvailability(Availability.IN_STOCK).setAttributes(attributes)
                .setPublishedAt(sale.getEventTime()).setUpdatedAt(sale.getEventTime()).build();
    }
}
