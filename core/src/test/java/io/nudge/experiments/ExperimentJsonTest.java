package io.nudge.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nudge.events.FieldError;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExperimentJsonTest {

    static final String CART_REMINDER = """
            {"name": "Cart reminder: email or SMS", "conversionWindow": "3d",
             "variants": [{"name": "email", "weight": 45, "rule": "cart-email"},
                          {"name": "sms", "weight": 45, "rule": "cart-sms"},
                          {"name": "holdout", "weight": 10, "holdout": true}]}""";

    @Test
    void readsVariantsWindowAndDefaults() {
        Experiment experiment = ExperimentJson.parse(CART_REMINDER, "cart-reminder", 2, true).experiment();
        assertEquals("cart-reminder", experiment.salt(), "the salt defaults to the id");
        assertEquals(Duration.ofDays(3), experiment.conversionWindow());
        assertEquals(List.of("email", "sms", "holdout"), experiment.variants().stream().map(Experiment.Variant::name).toList());
        assertTrue(experiment.variants().get(2).holdout());
        assertEquals(java.util.Set.of("cart-email", "cart-sms"), experiment.ruleIds());
        assertTrue(experiment.onRules());
    }

    @Test
    void reportsEveryProblemAtItsField() {
        ExperimentJson.Parsed parsed = ExperimentJson.parse("""
                {"name": "", "conversionWindow": "200d", "colour": "red",
                 "variants": [{"name": "a", "weight": 0, "rule": "r1", "offer": "o1"},
                              {"name": "a", "weight": 5, "offer": "o2"}]}""", "x", 1, true);
        assertNull(parsed.experiment());
        List<String> fields = parsed.errors().stream().map(FieldError::field).toList();
        assertTrue(fields.containsAll(List.of("name", "conversionWindow", "colour", "variants[0].weight", "variants[0].rule",
                "variants[1].name", "variants")), fields.toString());
    }

    @Test
    void needsTwoVariantsAndSomethingToTest() {
        assertEquals(List.of(new FieldError("variants", "at least two variants are needed")),
                ExperimentJson.parse("{\"name\": \"n\", \"variants\": [{\"name\": \"a\", \"weight\": 1, \"rule\": \"r\"}]}", "x", 1, true).errors());
        assertEquals(List.of(new FieldError("variants", "at least one variant must name a rule or an offer")),
                ExperimentJson.parse("{\"name\": \"n\", \"variants\": [{\"name\": \"a\", \"weight\": 1, \"holdout\": true},"
                        + " {\"name\": \"b\", \"weight\": 1, \"holdout\": true}]}", "x", 1, true).errors());
    }
}
