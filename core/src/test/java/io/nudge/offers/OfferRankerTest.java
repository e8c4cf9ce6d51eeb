package io.nudge.offers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nudge.profile.ProfileSettings;
import io.nudge.profile.ProfileUpdater;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.EventType;
import io.nudge.schemas.InteractionEvent;
import io.nudge.schemas.Offer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class OfferRankerTest {

    private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
    private final OfferRanker ranker = new OfferRanker();

    private static Offer offer(String id, String category, double value, String... items) {
        return Offer.newBuilder().setOfferId(id).setTitle(id).setCategory(category).setBusinessValue(value)
                .setItemIds(List.of(items)).build();
    }

    private static final List<Offer> CATALOGUE = List.of(
            offer("garden-10", "garden", 1.0, "spade"),
            offer("kitchen-5", "kitchen", 1.5, "mug"),
            offer("toys-2", "toys", 2.0),
            offer("expired", "garden", 9.0));

    static {
        CATALOGUE.get(3).setValidUntil(NOW.minusSeconds(1));
    }

    private static List<String> ids(List<ScoredOffer> ranked) {
        return ranked.stream().map(s -> s.offer().getOfferId()).toList();
    }

    @Test
    void withoutAProfileOffersRankByBusinessValue() {
        assertEquals(List.of("toys-2", "kitchen-5", "garden-10"), ids(ranker.rank(null, CATALOGUE, NOW, 10)));
    }

    @Test
    void interestInACategoryLiftsItsOffers() {
        ProfileUpdater updater = new ProfileUpdater(ProfileSettings.defaults());
        CustomerProfile profile = null;
        for (int i = 0; i < 3; i++) {
            profile = updater.apply(profile, InteractionEvent.newBuilder().setEventId("e" + i).setCustomerId("c")
                    .setType(EventType.PRODUCT_VIEW).setEventTime(NOW).setItemId("spade").setCategory("garden").build());
        }

        List<ScoredOffer> ranked = ranker.rank(profile, CATALOGUE, NOW, 2);

        assertEquals(List.of("garden-10", "toys-2"), ids(ranked));
        assertEquals(1.5, ranked.get(0).relevance(), 1e-9, "full affinity plus a viewed item");
    }

    @Test
    void tiesBreakOnOfferIdAndLimitIsHonoured() {
        List<Offer> tied = List.of(offer("b", null, 1.0), offer("a", null, 1.0), offer("c", null, 1.0));
        assertEquals(List.of("a", "b"), ids(ranker.rank(null, tied, NOW, 2)));
    }
}
