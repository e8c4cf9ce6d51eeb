package io.nudge.trending;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nudge.schemas.EventType;
import io.nudge.schemas.InteractionEvent;
import io.nudge.schemas.ItemCount;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PopularItemsTest {

    private static InteractionEvent event(EventType type, String item) {
        return InteractionEvent.newBuilder().setEventId(type + item).setAnonymousId("a").setType(type)
                .setEventTime(Instant.EPOCH).setItemId(item).setCategory("c").build();
    }

    @Test
    void purchasesWeighMoreThanViewsAndTiesBreakById() {
        PopularItems popular = new PopularItems();
        popular.add(event(EventType.PRODUCT_VIEW, "b"));
        popular.add(event(EventType.PRODUCT_VIEW, "b"));
        popular.add(event(EventType.PURCHASE, "a"));
        popular.add(event(EventType.PRODUCT_VIEW, "c"));
        popular.add(event(EventType.PRODUCT_VIEW, "d"));
        popular.add(event(EventType.PAGE_VIEW, "e"));

        assertEquals(List.of(new ItemCount("a", "c", 3.0), new ItemCount("b", "c", 2.0), new ItemCount("c", "c", 1.0)), popular.top(3));
        assertEquals(7.0, popular.total());
    }

    @Test
    void panesMergeIntoAWindow() {
        PopularItems monday = new PopularItems();
        monday.add("a", null, 1.0);
        PopularItems tuesday = new PopularItems();
        tuesday.add("a", "x", 2.0);
        tuesday.add("b", null, 2.5);

        assertEquals(List.of(new ItemCount("a", "x", 3.0), new ItemCount("b", null, 2.5)), monday.merge(tuesday).top(5));
    }
}
