package io.nudge.catalogue;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nudge.schemas.Availability;
import io.nudge.schemas.Item;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CatalogueTest {

    private static Catalogue of(Item... items) {
        Map<String, Item> byId = new java.util.HashMap<>();
        for (Item item : items) {
            byId.put(item.getItemId(), item);
        }
        return new Catalogue() {
            @Override
            public Item item(String itemId) {
                return byId.get(itemId);
            }

            @Override
            public boolean isEmpty() {
                return byId.isEmpty();
            }
        };
    }

    private static Item item(String id, Availability availability) {
        return Item.newBuilder().setItemId(id).setTitle(id).setAvailability(availability).setUpdatedAt(Instant.EPOCH).build();
    }

    @Test
    void aShopWithoutACatalogueMayRecommendAnyItem() {
        assertTrue(Catalogue.NONE.mayRecommend("anything", true));
        assertTrue(of().mayRecommend("anything", true));
    }

    @Test
    void onceTheCatalogueHoldsItemsOnlyItsItemsInStockMayBeRecommended() {
        Catalogue catalogue = of(item("tea", Availability.IN_STOCK), item("mug", Availability.OUT_OF_STOCK), item("pot", Availability.WITHDRAWN));
        assertTrue(catalogue.mayRecommend("tea", true));
        assertFalse(catalogue.mayRecommend("mug", true));
        assertFalse(catalogue.mayRecommend("pot", false), "withdrawn, whatever the setting");
        assertFalse(catalogue.mayRecommend("unknown", true));
        assertTrue(catalogue.mayRecommend("unknown", false), "for shops whose catalogue is partial");
    }

    @Test
    void anOfferCanBeTakenUpWhileOneOfItsItemsIsForSale() {
        Catalogue catalogue = of(item("tea", Availability.IN_STOCK), item("mug", Availability.OUT_OF_STOCK));
        assertTrue(catalogue.anyAvailable(List.of("mug", "tea"), true));
        assertFalse(catalogue.anyAvailable(List.of("mug"), true));
        assertTrue(catalogue.anyAvailable(List.of(), true), "an offer of no item in particular");
    }
}
