package io.nudge.crosssell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nudge.profile.ProfileSettings;
import io.nudge.profile.ProfileUpdater;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.EventType;
import io.nudge.schemas.InteractionEvent;
import io.nudge.schemas.ItemAssociations;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CrossSellLearningTest {

    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private final ProfileUpdater updater = new ProfileUpdater(ProfileSettings.defaults());
    private final CoOccurrences coOccurrences = new CoOccurrences(Duration.ofMinutes(30));
    private final AssociationLearner learner = new AssociationLearner(Duration.ofDays(30), Duration.ofDays(7), 3);
    private final Map<String, ItemAssociations> learned = new HashMap<>();
    private final Map<String, CustomerProfile> profiles = new HashMap<>();

    private void feed(InteractionEvent event) {
        CustomerProfile before = profiles.get(event.getCustomerId());
        for (ItemPair pair : coOccurrences.of(before, event)) {
            learned.put(pair.item(), learner.apply(learned.get(pair.item()), pair));
        }
        profiles.put(event.getCustomerId(), updater.apply(before, event));
    }

    private static InteractionEvent line(String customer, String order, String item, Instant at) {
        return InteractionEvent.newBuilder().setEventId(order + item).setCustomerId(customer).setType(EventType.PURCHASE)
                .setEventTime(at).setItemId(item).setAttributes(Map.of("orderId", order)).build();
    }

    private static InteractionEvent view(String customer, String item, Instant at) {
        return InteractionEvent.newBuilder().setEventId(customer + item + at).setCustomerId(customer).setType(EventType.PRODUCT_VIEW)
                .setEventTime(at).setItemId(item).build();
    }

    @Test
    void itemsBoughtInOneOrderGoTogetherBothWays() {
        feed(line("a", "o1", "tea", T0));
        feed(line("a", "o1", "cups", T0));
        feed(line("a", "o1", "tea", T0)); // the same item twice in an order adds nothing
        feed(line("b", "o2", "tea", T0.plusSeconds(60)));
        feed(line("b", "o2", "cups", T0.plusSeconds(60)));
        feed(line("b", "o3", "spoon", T0.plusSeconds(120))); // another order: not with tea

        assertEquals(Map.of("cups", 2.0).keySet(), learned.get("tea").getNeighbours().keySet());
        assertEquals(2.0, learned.get("tea").getNeighbours().get("cups"), 1e-4, "two orders, a minute of decay");
        assertEquals(2.0, learned.get("cups").getNeighbours().get("tea"), 1e-4);
        assertTrue(learned.get("spoon").getNeighbours().isEmpty(), "bought alone: sold, with nothing");
    }

    @Test
    void demandCountsTheOrdersHoldingAnItemWhoeverBoughtItAndFadesWeekByWeek() {
        feed(line("a", "o1", "tea", T0)); // a first order: no profile before it, still a sale
        feed(line("a", "o1", "tea", T0)); // the same item twice in an order is one order holding it
        feed(line("b", "o2", "tea", T0));
        feed(line("c", "o3", "cups", T0));
        InteractionEvent guest = InteractionEvent.newBuilder(line(null, "o4", "tea", T0)).setAnonymousId("guest").build();
        for (ItemPair pair : coOccurrences.of(null, guest)) {
            learned.put(pair.item(), learner.apply(learned.get(pair.item()), pair));
        }

        assertEquals(3.0, learner.demandAt(learned.get("tea"), T0), 1e-9, "orders o1, o2 and the guest's");
        assertEquals(1.5, learner.demandAt(learned.get("tea"), T0.plus(Duration.ofDays(7))), 1e-9, "half a week's half-life later");
        assertEquals(1.0, learner.demandAt(learned.get("cups"), T0), 1e-9);
        assertEquals(0.0, learner.demandAt(learned.get("kettle"), T0), "never sold");
        assertTrue(learned.get("tea").getNeighbours().isEmpty(), "an item is not its own neighbour");

        feed(line("d", "o5", "tea", T0.plus(Duration.ofDays(7))));
        assertEquals(2.5, learner.demandAt(learned.get("tea"), T0.plus(Duration.ofDays(7))), 1e-9, "the old orders decayed, the new one whole");
    }

    @Test
    void viewsInOneSessionCountLessThanBuyingTogetherAndNotAcrossSessions() {
        feed(view("a", "lamp", T0));
        feed(view("a", "shade", T0.plusSeconds(30)));
        feed(view("a", "rug", T0.plus(Duration.ofHours(3))));

        assertEquals(Map.of("shade", CoOccurrences.VIEWED_TOGETHER), learned.get("lamp").getNeighbours());
        assertTrue(!learned.containsKey("rug"), "three hours later is another session");
    }

    @Test
    void oldEvidenceDecaysAndNewcomersCanDisplaceTheWeakest() {
        ItemAssociations tea = null;
        tea = learner.apply(tea, new ItemPair("tea", "cups", 1.0, T0));
        tea = learner.apply(tea, new ItemPair("tea", "cups", 1.0, T0.plus(Duration.ofDays(30))));
        assertEquals(1.5, tea.getNeighbours().get("cups"), 1e-9, "the first pair is worth half after one half-life");

        tea = learner.apply(tea, new ItemPair("tea", "milk", 1.0, T0.plus(Duration.ofDays(30))));
        tea = learner.apply(tea, new ItemPair("tea", "sugar", 1.0, T0.plus(Duration.ofDays(30))));
        tea = learner.apply(tea, new ItemPair("tea", "lemon", 1.0, T0.plus(Duration.ofDays(30))));
        assertEquals(3, tea.getNeighbours().size(), "capped");
        assertTrue(tea.getNeighbours().containsKey("lemon"), "the newcomer took the weakest one's place");
        assertTrue(tea.getNeighbours().containsKey("cups"));
        assertEquals(5, tea.getSequence());
        assertEquals(List.of("cups", "lemon"), tea.getNeighbours().entrySet().stream()
                .filter(e -> e.getValue() > 1.0).map(Map.Entry::getKey).sorted().toList());
    }
}
