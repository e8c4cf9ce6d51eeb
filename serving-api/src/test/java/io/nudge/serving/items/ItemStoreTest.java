package io.nudge.serving.items;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nudge.schemas.Availability;
import io.nudge.schemas.Codecs;
import io.nudge.schemas.Item;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ItemStoreTest {

    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

    private static Item item(String id, int version, String category, int daysAgo, Availability availability) {
        return Item.newBuilder().setItemId(id).setVersion(version).setTitle(id).setCategory(category)
                .setPublishedAt(NOW.minus(Duration.ofDays(daysAgo))).setAvailability(availability).setUpdatedAt(NOW).build();
    }

    private static List<String> ids(List<Item> items) {
        return items.stream().map(Item::getItemId).toList();
    }

    @Test
    void newArrivalsAreACategorysItemsInStockNewestFirstSinceAMoment() throws Exception {
        ItemStore store = new ItemStore();
        store.upsert(item("fern", 1, "garden", 2, Availability.IN_STOCK));
        store.upsert(item("rake", 1, "garden", 5, Availability.IN_STOCK));
        store.upsert(item("old-spade", 1, "garden", 90, Availability.IN_STOCK));
        store.upsert(item("pot", 1, "garden", 1, Availability.OUT_OF_STOCK));
        store.upsert(item("mug", 1, "kitchen", 1, Availability.IN_STOCK));

        assertEquals(List.of("fern", "rake"), ids(store.newArrivals("garden", NOW.minus(Duration.ofDays(30)), 10)));
        assertEquals(List.of("fern"), ids(store.newArrivals("garden", NOW.minus(Duration.ofDays(30)), 1)));

        store.upsert(item("fern", 2, "kitchen", 2, Availability.IN_STOCK)); // moved to another category
        store.upsert(item("rake", 1, "toys", 0, Availability.IN_STOCK)); // an older version: ignored
        store.apply("mug", null); // deleted from the topic
        assertEquals(List.of("rake"), ids(store.newArrivals("garden", NOW.minus(Duration.ofDays(30)), 10)));
        assertEquals(List.of("fern"), ids(store.newArrivals("kitchen", NOW.minus(Duration.ofDays(30)), 10)));

        store.apply("pot", Codecs.ITEMS.encode(item("pot", 2, "garden", 1, Availability.IN_STOCK))); // back in stock
        assertEquals(List.of("pot", "rake"), ids(store.newArrivals("garden", NOW.minus(Duration.ofDays(30)), 10)));
    }
}
