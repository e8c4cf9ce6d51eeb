package io.nudge.segments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.nudge.events.FieldError;
import io.nudge.profile.LifecycleStage;
import io.nudge.schemas.Channel;
import io.nudge.schemas.EventType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SegmentJsonTest {

    static final String GARDEN_LOVERS = """
            {"name": "Garden lovers who stopped buying",
             "profile": {"lifecycleStages": ["active", "vip", "at_risk"], "lifetimeValue": {"atLeast": 100},
                         "categoryAffinity": {"garden": 0.3}, "consent": ["email"], "churnRisk": {"atLeast": 0.7}},
             "behaviour": [{"event": {"type": "product_view", "where": {"category": "garden"}}, "atLeast": 3, "within": "7d"},
                           {"event": {"type": "purchase"}, "atMost": 0, "within": "60d"}]}
            """;

    @Test
    void readsProfileAndBehaviourConditions() {
        Segment segment = SegmentJson.parse(GARDEN_LOVERS, "garden-lovers", 3, true).segment();
        assertEquals("garden-lovers", segment.segmentId());
        assertEquals(3, segment.version());
        assertEquals(Set.of(LifecycleStage.ACTIVE, LifecycleStage.VIP, LifecycleStage.AT_RISK), segment.profile().stages());
        assertEquals(100.0, segment.profile().lifetimeValue().atLeast());
        assertNull(segment.profile().lifetimeValue().atMost());
        assertEquals(Map.of("garden", 0.3), segment.profile().categoryAffinity());
        assertEquals(Set.of(Channel.EMAIL), segment.profile().consent());
        assertEquals(2, segment.behaviour().size());
        Behaviour views = segment.behaviour().get(0);
        assertEquals(EventType.PRODUCT_VIEW, views.event().type());
        assertEquals(Map.of("category", "garden"), views.event().equals());
        assertEquals(3, views.atLeast());
        assertEquals(Duration.ofDays(7), views.within());
        assertEquals(0, segment.behaviour().get(1).atMost());
        assertEquals(true, segment.followsTime());
    }

    @Test
    void everyProblemIsReportedWithItsPath() {
        List<FieldError> errors = SegmentJson.parse("""
                {"profile": {"lifecycleStages": ["sleepy"], "churnRisk": {"atLeast": 1.5}, "categoryAffinity": {"garden": 0},
                             "consent": ["fax"], "orders": {"atLeast": 5, "atMost": 2}, "shoeSize": 42},
                 "behaviour": [{"event": {"type": "product_view"}, "within": "7d"},
                               {"event": {"type": "teleport"}, "atLeast": 1000, "within": "2y"}]}
                """, "s", 1, true).errors();
        assertEquals(List.of("name", "profile.shoeSize", "profile.lifecycleStages", "profile.categoryAffinity.garden", "profile.consent",
                        "profile.orders.atMost", "profile.churnRisk.atLeast", "behaviour[0].atLeast", "behaviour[1].event.type",
                        "behaviour[1].atLeast", "behaviour[1].within"),
                errors.stream().map(FieldError::field).toList(), errors.toString());
    }

    @Test
    void boostsAreFactorsOnCategoriesAndItems() {
        Segment segment = SegmentJson.parse("""
                {"name": "Gardeners", "boost": {"categories": {"garden": 1.5}, "items": {"gloves": 2}}}
                """, "gardeners", 1, true).segment();
        assertEquals(1.5 * 2, segment.boost().factor("gloves", "garden"));
        assertEquals(1.0, segment.boost().factor("kettle", "kitchen"));
        assertEquals(3.0, segment.boost().and(new Boost(Map.of("garden", 2.0), Map.of())).factor("rake", "garden"));

        List<FieldError> errors = SegmentJson.parse("""
                {"name": "n", "boost": {"categories": {"garden": 0}, "items": {"gloves": 50}, "offers": {}}}
                """, "s", 1, true).errors();
        assertEquals(List.of("boost.offers", "boost.categories.garden", "boost.items.gloves"), errors.stream().map(FieldError::field).toList(),
                errors.toString());
    }

    @Test
    void aSegmentOfEveryoneIsAllowedAndMalformedJsonIsNot() {
        Segment everyone = SegmentJson.parse("{\"name\": \"Everyone\"}", "all", 1, true).segment();
        assertEquals(ProfileConditions.ANYONE, everyone.profile());
        assertEquals(false, everyone.followsTime());
        assertEquals("(body)", SegmentJson.parse("{\"name\": ", "s", 1, true).errors().get(0).field());
    }
}
