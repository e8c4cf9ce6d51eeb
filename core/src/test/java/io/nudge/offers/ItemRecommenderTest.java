package io.nudge.offers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nudge.profile.ProfileSettings;
import io.nudge.profile.ProfileUpdater;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.EventType;
import io.nudge.schemas.InteractionEvent;
import io.nudge.schemas.ItemCount;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ItemRecommenderTest {

    private static final Instant T0 = Instant.parse("2026-05-01T09:00:00Z");
    private final ItemRecommender recommender = new ItemRecommender(new ItemRecommender.Weights(1.0, 0.5, 0.05));
    private final ProfileUpdater updater = new ProfileUpdater(ProfileSettings.defaults());
    private static final CrossSell CROSS_SELL = item -> switch (item) {
        case "tea" -> Map.of("cups", 4.0, "kettle", 2.0);
        case "lamp" -> Map.of("bulb", 1.0);
        default -> Map.of();
    };
    private static final List<ItemCount> TRENDING = List.of(new ItemCount("umbrella", null, 50.0), new ItemCount("scarf", null, 25.0));

    private CustomerProfile bought(String... items) {
        CustomerProfile profile = null;
        int n = 0;
        for (String item : items) {
            profile = updater.apply(profile, InteractionEvent.newBuilder().setEventId("p" + n++).setCustomerId("c").setType(EventType.PURCHASE)
                    .setEventTime(T0).setItemId(item).setAttributes(Map.of("orderId", "o" + n)).build());
        }
        return profile;
    }

    private List<String> ids(List<RecommendedItem> items) {
        return items.stream().map(RecommendedItem::itemId).toList();
    }

    @Test
    void aStrangerGetsWhatIsTrending() {
        assertEquals(List.of("umbrella", "scarf"), ids(recommender.recommend(null, RecommendationContext.NONE, CROSS_SELL, TRENDING, item -> true, 5, true)));
    }

    @Test
    void repeatPurchasesComeFirstThenWhatGoesWithThem() {
        List<RecommendedItem> items = recommender.recommend(bought("tea", "tea", "biscuits"), RecommendationContext.NONE, CROSS_SELL, TRENDING, item -> true, 5, true);

        assertEquals(List.of("tea", "biscuits", "cups", "kettle", "umbrella"), ids(items));
        assertEquals(Map.of("own", 1.0), items.get(0).factors());
        assertEquals(items.get(2).score(), items.get(2).factors().values().stream().mapToDouble(Double::doubleValue).sum(), 1e-9);
        assertTrue(items.get(2).factors().containsKey("crossSell"));
    }

    @Test
    void theItemOnScreenIsNotRecommendedToItsOwnPageEvenWhenTheCustomerKeepsBuyingIt() {
        CustomerProfile teaDrinker = bought("tea", "tea", "biscuits");
        assertEquals("tea", recommender.recommend(teaDrinker, RecommendationContext.NONE, CROSS_SELL, TRENDING, item -> true, 5, true).get(0).itemId());

        List<String> onTeaPage = ids(recommender.recommend(teaDrinker, new RecommendationContext("product", null, "tea", List.of()),
                CROSS_SELL, TRENDING, item -> true, 5, true));
        assertTrue(!onTeaPage.contains("tea") && onTeaPage.contains("biscuits"), onTeaPage.toString());
    }

    @Test
    void theItemOnScreenBringsItsCompanions() {
        RecommendationContext onLampPage = new RecommendationContext("product", null, "lamp", List.of());
        assertEquals("bulb", recommender.recommend(null, onLampPage, CROSS_SELL, TRENDING, item -> true, 1, true).get(0).itemId());
    }
}
