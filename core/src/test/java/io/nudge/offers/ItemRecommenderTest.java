package io.nudge.offers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nudge.catalogue.Catalogue;
import io.nudge.profile.ProfileSettings;
import io.nudge.profile.ProfileUpdater;
import io.nudge.schemas.Availability;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.EventType;
import io.nudge.schemas.InteractionEvent;
import io.nudge.schemas.Item;
import io.nudge.schemas.ItemCount;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ItemRecommenderTest {

    private static final Instant T0 = Instant.parse("2026-05-01T09:00:00Z");
    private static final Instant NOW = T0.plus(Duration.ofDays(1));
    private final ItemRecommender recommender = new ItemRecommender(new ItemRecommender.Weights(1.0, 2.0, 0.5, 0.05, 0.5, 0.4));
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
        assertEquals(List.of("umbrella", "scarf"), ids(recommender.recommend(null, NOW, RecommendationContext.NONE, CROSS_SELL, TRENDING, ItemRecommender.NewArrivals.NONE, item -> true, 5, true)));
    }

    @Test
    void repeatPurchasesComeFirstThenWhatGoesWithThem() {
        List<RecommendedItem> items = recommender.recommend(bought("tea", "tea", "biscuits"), NOW, RecommendationContext.NONE, CROSS_SELL, TRENDING, ItemRecommender.NewArrivals.NONE, item -> true, 5, true);

        assertEquals(List.of("tea", "biscuits", "cups", "kettle", "umbrella"), ids(items));
        assertEquals(Map.of("own", 1.0), items.get(0).factors());
        assertEquals(items.get(2).score(), items.get(2).factors().values().stream().mapToDouble(Double::doubleValue).sum(), 1e-9);
        assertTrue(items.get(2).factors().containsKey("crossSell"));
    }

    @Test
    void aSegmentsBoostLiftsItsItemsForMembersAndSaysSo() {
        CustomerProfile profile = bought("tea", "tea", "biscuits");
        List<RecommendedItem> plain = recommender.recommend(profile, NOW, RecommendationContext.NONE, CROSS_SELL, TRENDING,
                ItemRecommender.NewArrivals.NONE, item -> true, 5, true, null);
        assertEquals(List.of("tea", "biscuits", "cups", "kettle", "umbrella"), ids(plain));

        io.nudge.segments.Boost boost = new io.nudge.segments.Boost(Map.of("rainwear", 20.0 / 2), Map.of("kettle", 3.0));
        Map<String, String> categories = Map.of("umbrella", "rainwear");
        List<RecommendedItem> boosted = recommender.recommend(profile, NOW, RecommendationContext.NONE, CROSS_SELL, TRENDING,
                ItemRecommender.NewArrivals.NONE, item -> true, 5, true, item -> boost.factor(item, categories.get(item)));

        assertEquals(List.of("tea", "kettle", "biscuits", "cups", "umbrella"), ids(boosted), "the kettle moves from fourth to second");
        assertEquals(3.0, boosted.get(1).factors().get("segmentBoost"));
        assertEquals(3 * plain.get(3).score(), boosted.get(1).score(), 1e-9, "the factor multiplies the item's score");
        assertEquals(10 * plain.get(4).score(), boosted.get(4).score(), 1e-9, "the category's factor, by the item's category");
        assertEquals(plain.get(0), boosted.get(0), "items no boost names are as they were");
    }

    @Test
    void ofTwoItemsBoughtAlikeTheOneTheShopSellsMoreOfNowComesFirst() {
        CustomerProfile customer = bought("candles", "baubles", "tinsel");
        CrossSell christmasIsComing = new CrossSell() {
            @Override
            public Map<String, Double> neighboursOf(String itemId) {
                return Map.of();
            }

            @Override
            public double demandOf(String itemId, Instant now) {
                return itemId.equals("baubles") ? 40 : itemId.equals("tinsel") ? 10 : 0;
            }
        };

        List<RecommendedItem> items = recommender.recommend(customer, NOW, RecommendationContext.NONE, christmasIsComing, List.of(),
                ItemRecommender.NewArrivals.NONE, item -> true, 3, true);
        assertEquals(List.of("baubles", "tinsel", "candles"), ids(items), "by demand, all bought once alike");
        assertEquals(1.0, items.get(0).factors().get("own"), 1e-9);
        assertEquals(1.0 / 3, items.get(2).factors().get("own"), 1e-9, "no demand keeps 1 of the most demanded one's 1 + 2");

        ItemRecommender withoutDemand = new ItemRecommender(new ItemRecommender.Weights(1.0, 0.0, 0.5, 0.05, 0.5, 0.4));
        assertEquals(List.of("baubles", "candles", "tinsel"), ids(withoutDemand.recommend(customer, NOW, RecommendationContext.NONE,
                christmasIsComing, List.of(), ItemRecommender.NewArrivals.NONE, item -> true, 3, true)), "by id when demand is off");
    }

    @Test
    void theItemOnScreenIsNotRecommendedToItsOwnPageEvenWhenTheCustomerKeepsBuyingIt() {
        CustomerProfile teaDrinker = bought("tea", "tea", "biscuits");
        assertEquals("tea", recommender.recommend(teaDrinker, NOW, RecommendationContext.NONE, CROSS_SELL, TRENDING, ItemRecommender.NewArrivals.NONE, item -> true, 5, true).get(0).itemId());

        List<String> onTeaPage = ids(recommender.recommend(teaDrinker, NOW, new RecommendationContext("product", null, "tea", List.of()),
                CROSS_SELL, TRENDING, ItemRecommender.NewArrivals.NONE, item -> true, 5, true));
        assertTrue(!onTeaPage.contains("tea") && onTeaPage.contains("biscuits"), onTeaPage.toString());
    }

    @Test
    void theItemOnScreenBringsItsCompanions() {
        RecommendationContext onLampPage = new RecommendationContext("product", null, "lamp", List.of());
        assertEquals("bulb", recommender.recommend(null, NOW, onLampPage, CROSS_SELL, TRENDING, ItemRecommender.NewArrivals.NONE, item -> true, 1, true).get(0).itemId());
    }

    @Test
    void aNewItemOfTheCustomersFavouriteCategoryIsRecommendedBeforeAnyoneBoughtItButNotOnceItIsOld() {
        Instant now = Instant.parse("2026-11-29T12:00:00Z");
        Map<String, Item> catalogue = Map.of(
                "fern", newItem("fern", "garden", now.minus(Duration.ofDays(2)), Availability.IN_STOCK),
                "old-rake", newItem("old-rake", "garden", now.minus(Duration.ofDays(200)), Availability.IN_STOCK),
                "sold-out-pot", newItem("sold-out-pot", "garden", now.minus(Duration.ofDays(1)), Availability.OUT_OF_STOCK));
        Catalogue shop = shopOf(catalogue);
        ItemRecommender.NewArrivals arrivals = new ItemRecommender.NewArrivals(shop, Duration.ofDays(30));
        RecommendationContext onGardenPage = new RecommendationContext("category", "garden", null, List.of());

        List<RecommendedItem> items = recommender.recommend(null, now, onGardenPage, CROSS_SELL, List.of(), arrivals,
                item -> shop.mayRecommend(item, true), 5, true);

        assertEquals(List.of("fern"), ids(items), "new, in stock, in the category on screen; not the old one, not the sold-out one");
        assertEquals(0.5 * (1 - 2 / 30.0), items.get(0).factors().get("newArrival"), 1e-9, "fresh in proportion to its age");
    }

    @Test
    void anItemWithoutHistoryOnScreenHasLookAlikesAndTheClosestComesFirst() {
        Instant now = Instant.parse("2026-11-29T12:00:00Z");
        Map<String, Item> catalogue = new java.util.LinkedHashMap<>();
        catalogue.put("new-teapot", described("new-teapot", List.of("kitchen", "tea"), "Hario", Map.of("material", "glass"), 30.0, now));
        catalogue.put("glass-teapot", described("glass-teapot", List.of("kitchen", "tea"), "Hario", Map.of("material", "glass"), 28.0, now.minusSeconds(60)));
        catalogue.put("iron-teapot", described("iron-teapot", List.of("kitchen", "tea"), "Iwachu", Map.of("material", "iron"), 90.0, now.minusSeconds(120)));
        catalogue.put("sold-out-cup", Item.newBuilder(described("sold-out-cup", List.of("kitchen", "tea"), "Hario", Map.of(), 30.0, now))
                .setAvailability(Availability.OUT_OF_STOCK).build());
        Catalogue shop = shopOf(catalogue);
        RecommendationContext onTeapotPage = new RecommendationContext("product", "tea", "new-teapot", List.of());
        List<RecommendedItem> items = recommender.recommend(null, now, onTeapotPage, CrossSell.NONE, List.of(),
                new ItemRecommender.NewArrivals(shop, Duration.ofDays(30)), item -> shop.mayRecommend(item, true), 5, true);

        assertEquals(List.of("glass-teapot", "iron-teapot"), ids(items), "not the page's own item, not a sold-out one");
        assertTrue(items.get(0).factors().get("similar") > items.get(1).factors().get("similar"), items.toString());
    }

    /** A catalogue of {@code items}, in stock or not, listed by category newest first as the item store lists them. */
    private static Catalogue shopOf(Map<String, Item> items) {
        return new Catalogue() {
            @Override
            public Item item(String itemId) {
                return items.get(itemId);
            }

            @Override
            public boolean isEmpty() {
                return false;
            }

            @Override
            public List<Item> newArrivals(String category, Instant since, int limit) {
                return inCategory(category, Integer.MAX_VALUE).stream().filter(item -> !item.getPublishedAt().isBefore(since)).limit(limit).toList();
            }

            @Override
            public List<Item> inCategory(String category, int limit) {
                return items.values().stream().filter(item -> item.getCategory().equals(category) && item.getAvailability() == Availability.IN_STOCK)
                        .sorted(java.util.Comparator.comparing(Item::getPublishedAt).reversed()).limit(limit).toList();
            }
        };
    }

    private static Item described(String id, List<String> path, String brand, Map<String, String> attributes, double price, Instant publishedAt) {
        return Item.newBuilder().setItemId(id).setTitle(id).setCategory(path.get(path.size() - 1)).setCategoryPath(path).setBrand(brand)
                .setAttributes(attributes).setPrice(price).setPublishedAt(publishedAt).setUpdatedAt(publishedAt).build();
    }

    private static Item newItem(String id, String category, Instant publishedAt, Availability availability) {
        return Item.newBuilder().setItemId(id).setTitle(id).setCategory(category).setPublishedAt(publishedAt).setAvailability(availability)
                .setUpdatedAt(publishedAt).build();
    }
}
