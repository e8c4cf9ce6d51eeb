package io.nudge.triggers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nudge.events.FieldError;
import io.nudge.profile.LifecycleStage;
import io.nudge.schemas.Channel;
import io.nudge.schemas.EventType;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RuleJsonTest {

    static final String CART_ABANDONED = """
            {"name": "Cart abandoned", "priority": 10,
             "when": {"kind": "absence", "first": {"type": "add_to_cart"}, "absent": {"type": "purchase"}, "within": "30m"},
             "who": {"lifecycleStages": ["active", "vip"], "segments": ["garden-lovers"]},
             "then": {"channel": "email", "templateId": "cart-reminder", "payload": {"subject": "Still thinking?"}, "attachOffer": true}}
            """;

    @Test
    void readsAWellFormedRule() {
        Rule rule = RuleJson.parse(CART_ABANDONED, "cart", 2, true).rule();
        assertEquals("cart", rule.ruleId());
        assertEquals(2, rule.version());
        assertEquals(10, rule.priority());
        Condition.Absence absence = (Condition.Absence) rule.condition();
        assertEquals(EventType.ADD_TO_CART, absence.first().type());
        assertEquals(Duration.ofMinutes(30), absence.within());
        assertEquals(Set.of(LifecycleStage.ACTIVE, LifecycleStage.VIP), rule.audience().stages());
        assertEquals(Set.of("garden-lovers"), rule.audience().segments());
        assertEquals(Channel.EMAIL, rule.action().channel());
        assertTrue(rule.action().attachOffer());
    }

    @Test
    void readsCountsWithPredicatesOnFields() {
        Rule rule = RuleJson.parse("""
                {"name": "Garden browser", "when": {"kind": "count", "atLeast": 3, "within": "1h",
                  "event": {"type": "product_view", "where": {"category": "garden", "price": {"atLeast": 10}}}},
                 "then": {"channel": "push", "templateId": "garden-offer"}}
                """, "garden", 1, true).rule();
        Condition.Count count = (Condition.Count) rule.condition();
        assertEquals(3, count.atLeast());
        assertEquals("garden", count.event().equals().get("category"));
        assertEquals(10.0, count.event().ranges().get("price").atLeast());
    }

    @Test
    void everyProblemIsReportedWithItsPath() {
        RuleJson.Parsed parsed = RuleJson.parse("""
                {"priority": 5000, "colour": "red",
                 "when": {"kind": "absence", "first": {"type": "teleport"}, "within": "soon", "extra": 1},
                 "who": {"lifecycleStages": ["royalty"], "segments": [""]},
                 "then": {"channel": "fax"}}
                """, "bad", 1, true);
        assertNull(parsed.rule());
        List<String> fields = parsed.errors().stream().map(FieldError::field).toList();
        assertEquals(List.of("colour", "name", "priority", "when.extra", "when.first.type", "when.absent", "when.within",
                "who.lifecycleStages", "who.segments[0]", "then.channel", "then.templateId"), fields);
    }

    @Test
    void anAudiencesLifetimeValuesMustBeARange() {
        String rule = "{\"name\": \"x\", \"when\": {\"kind\": \"event\", \"event\": {\"type\": \"purchase\"}}, "
                + "\"then\": {\"channel\": \"web\", \"templateId\": \"t\"}, \"who\": %s}";
        assertEquals(List.of("who.minLifetimeValue"), RuleJson.parse(String.format(rule, "{\"minLifetimeValue\": -5}"), "x", 1, true)
                .errors().stream().map(FieldError::field).toList());
        assertEquals(List.of("who.maxLifetimeValue"), RuleJson.parse(String.format(rule, "{\"minLifetimeValue\": 100, \"maxLifetimeValue\": 50}"),
                "x", 1, true).errors().stream().map(FieldError::field).toList());
        assertEquals(100.0, RuleJson.parse(String.format(rule, "{\"minLifetimeValue\": 100}"), "x", 1, true).rule().audience().minLifetimeValue());
    }

    @Test
    void aConditionNeedsAKnownKind() {
        RuleJson.Parsed parsed = RuleJson.parse("{\"name\": \"x\", \"when\": {\"kind\": \"sometimes\"}, \"then\": {\"channel\": \"web\", \"templateId\": \"t\"}}", "x", 1, true);
        assertEquals("when.kind", parsed.errors().get(0).field());
        assertEquals("(body)", RuleJson.parse("{not json", "x", 1, true).errors().get(0).field());
    }

    @Test
    void readsItemConditionsAndChecksTheirFields() {
        String rule = "{\"name\": \"x\", \"when\": %s, \"then\": {\"channel\": \"email\", \"templateId\": \"t\"}}";
        Rule drop = RuleJson.parse(String.format(rule, "{\"kind\": \"price_drop\", \"atLeastPercent\": 15, \"interest\": \"carted\", \"within\": \"14d\"}"),
                "x", 1, true).rule();
        assertEquals(new Condition.PriceDrop(15, true, Duration.ofDays(14)), drop.condition());
        Rule restock = RuleJson.parse(String.format(rule, "{\"kind\": \"back_in_stock\", \"within\": \"30d\"}"), "x", 1, true).rule();
        assertEquals(new Condition.BackInStock(false, Duration.ofDays(30)), restock.condition());

        List<String> fields = RuleJson.parse(String.format(rule, "{\"kind\": \"price_drop\", \"atLeastPercent\": 120, \"interest\": \"liked\"}"),
                "x", 1, true).errors().stream().map(FieldError::field).toList();
        assertEquals(List.of("when.atLeastPercent", "when.interest", "when.within"), fields);
    }

    @Test
    void readsRhythmConditions() {
        String rule = "{\"name\": \"x\", \"when\": %s, \"then\": {\"channel\": \"email\", \"templateId\": \"t\"}}";
        assertEquals(new Condition.PurchaseDue(Duration.ofDays(2)),
                RuleJson.parse(String.format(rule, "{\"kind\": \"purchase_due\", \"after\": \"2d\"}"), "x", 1, true).rule().condition());
        assertEquals(new Condition.ChurnRisk(0.7, Duration.ofDays(90)),
                RuleJson.parse(String.format(rule, "{\"kind\": \"churn_risk\", \"atLeast\": 0.7}"), "x", 1, true).rule().condition());
        assertEquals(List.of("when.atLeast"), RuleJson.parse(String.format(rule, "{\"kind\": \"churn_risk\", \"atLeast\": 1.5}"), "x", 1, true)
                .errors().stream().map(FieldError::field).toList());
    }
}
