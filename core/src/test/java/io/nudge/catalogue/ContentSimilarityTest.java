package io.nudge.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nudge.schemas.Item;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContentSimilarityTest {

    private static Item item(List<String> path, String brand, Map<String, String> attributes, Double price) {
        return Item.newBuilder().setItemId("i").setTitle("i").setCategory(path.isEmpty() ? null : path.get(path.size() - 1)).setCategoryPath(path)
                .setBrand(brand).setAttributes(attributes).setPrice(price).setUpdatedAt(Instant.EPOCH).build();
    }

    @Test
    void anItemIsFullySimilarToItselfAndEachAspectCountsItsShare() {
        Item teapot = item(List.of("kitchen", "tea", "teapots"), "Hario", Map.of("material", "glass", "size", "1l"), 30.0);
        assertEquals(1.0, ContentSimilarity.between(teapot, teapot), 1e-9);

        Item otherBrand = item(List.of("kitchen", "tea", "teapots"), "Iwachu", Map.of("material", "glass", "size", "1l"), 30.0);
        assertEquals(1.0 - ContentSimilarity.BRAND, ContentSimilarity.between(teapot, otherBrand), 1e-9);

        Item cups = item(List.of("kitchen", "tea", "cups"), "Hario", Map.of("material", "glass", "size", "1l"), 30.0);
        assertEquals(1.0 - ContentSimilarity.CATEGORY / 3, ContentSimilarity.between(teapot, cups), 1e-9, "two of three path levels");
    }

    @Test
    void priceBandsAndAttributesFadeGradually() {
        assertEquals(1.0, ContentSimilarity.price(30.0, 30.0), 1e-9);
        assertEquals(0.0, ContentSimilarity.price(30.0, 60.0), 1e-9, "twice the price: another band");
        assertTrue(ContentSimilarity.price(30.0, 36.0) > ContentSimilarity.price(30.0, 45.0));
        assertEquals(0.0, ContentSimilarity.price(null, 45.0), "unknown price: no evidence");

        assertEquals(1.0 / 3, ContentSimilarity.attributes(Map.of("material", "glass", "size", "1l"), Map.of("material", "glass", "colour", "red")), 1e-9,
                "one shared of three distinct");
        assertEquals(0.0, ContentSimilarity.attributes(Map.of(), Map.of("material", "glass")));
    }

    @Test
    void withoutPathsTheCategoryDecides() {
        Item a = Item.newBuilder().setItemId("a").setTitle("a").setCategory("garden").setUpdatedAt(Instant.EPOCH).build();
        Item b = Item.newBuilder(a).setItemId("b").build();
        Item c = Item.newBuilder(a).setItemId("c").setCategory("toys").build();
        assertEquals(ContentSimilarity.CATEGORY, ContentSimilarity.between(a, b), 1e-9);
        assertEquals(0.0, ContentSimilarity.between(a, c), 1e-9);
    }
}
