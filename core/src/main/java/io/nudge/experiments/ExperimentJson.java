package io.nudge.experiments;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nudge.documents.JsonFields;
import io.nudge.events.FieldError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An experiment's JSON document, as marketers write it and as it travels on the experiments topic:
 * <pre>
 * {"name": "Cart reminder: email or SMS",
 *  "salt": "cart-reminder-2026",
 *  "conversionWindow": "7d",
 *  "variants": [{"name": "email", "weight": 45, "rule": "cart-email"},
 *               {"name": "sms", "weight": 45, "rule": "cart-sms"},
 *               {"name": "holdout", "weight": 10, "holdout": true}]}
 * </pre>
 * Variants name a trigger rule ({@code rule}) or an offer ({@code offer}) — all of one kind — or are a holdout;
 * weights are positive integers (shares of their sum). {@code salt} defaults to the experiment's id and
 * {@code conversionWindow} to 7 days. The first variant is the control. Every problem is reported with its path.
 */
public final class ExperimentJson {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TOP = Set.of("name", "salt", "conversionWindow", "variants");
    private static final Set<String> VARIANT = Set.of("name", "weight", "rule", "offer", "holdout");
    static final Duration DEFAULT_WINDOW = Duration.ofDays(7);
    static final Duration MAX_WINDOW = Duration.ofDays(90);
    static final int MAX_VARIANTS = 10;

    /** The experiment, or every problem with its document: exactly one of the two is present. */
    public record Parsed(Experiment experiment, List<FieldError> errors) {}

    private ExperimentJson() {}

    public static Parsed parse(String definition, String experimentId, int version, boolean active) {
        try {
            return parse(JSON.readTree(definition), experimentId, version, active);
        } catch (JsonProcessingException e) {
            return new Parsed(null, List.of(new FieldError("(body)", "malformed JSON: " + e.getOriginalMessage())));
        }
    }

    public static Parsed parse(JsonNode document, String experimentId, int version, boolean active) {
        JsonFields fields = JsonFields.of(document, "an experiment", TOP);
        if (!fields.isObject()) {
            return new Parsed(null, fields.errors());
        }
        String name = fields.text("name");
        if (name == null || name.isBlank()) {
            fields.error("name", "is required");
        }
        String salt = fields.has("salt") ? fields.text("salt") : experimentId;
        if (salt == null || salt.isBlank()) {
            fields.error("salt", "must not be blank");
        }
        Duration window = fields.has("conversionWindow") ? fields.duration("conversionWindow") : DEFAULT_WINDOW;
        if (window != null && window.compareTo(MAX_WINDOW) > 0) {
            fields.error("conversionWindow", "must be at most " + MAX_WINDOW.toDays() + "d");
        }
        List<JsonFields> clauses = fields.objects("variants", "variants", VARIANT);
        if (clauses.size() < 2 && fields.errors().stream().noneMatch(e -> e.field().startsWith("variants"))) {
            fields.error("variants", "at least two variants are needed");
        }
        if (clauses.size() > MAX_VARIANTS) {
            fields.error("variants", "at most " + MAX_VARIANTS + " variants");
        }
        List<Experiment.Variant> variants = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (JsonFields clause : clauses) {
            Experiment.Variant variant = variant(clause);
            if (variant.name() != null && !names.add(variant.name())) {
                clause.error("name", "another variant has this name");
            }
            variants.add(variant);
        }
        if (variants.stream().anyMatch(v -> v.ruleId() != null) && variants.stream().anyMatch(v -> v.offerId() != null)) {
            fields.error("variants", "variants test either rules or offers, not both");
        }
        if (!variants.isEmpty() && variants.stream().allMatch(Experiment.Variant::holdout)) {
            fields.error("variants", "at least one variant must name a rule or an offer");
        }
        if (!fields.errors().isEmpty()) {
            return new Parsed(null, fields.errors());
        }
        return new Parsed(new Experiment(experimentId, version, active, name, salt, window, variants), List.of());
    }

    private static Experiment.Variant variant(JsonFields clause) {
        String name = clause.text("name");
        clause.checkId("name", name, true);
        Integer weight = clause.integer("weight");
        if (weight == null) {
            clause.error("weight", "is required");
        } else if (weight < 1 || weight > 10_000) {
            clause.error("weight", "must be between 1 and 10000");
        }
        String rule = clause.text("rule");
        String offer = clause.text("offer");
        boolean holdout = Boolean.TRUE.equals(clause.bool("holdout"));
        clause.checkId("rule", rule, false);
        clause.checkId("offer", offer, false);
        int kinds = (rule != null ? 1 : 0) + (offer != null ? 1 : 0) + (holdout ? 1 : 0);
        if (kinds != 1) {
            clause.error("rule", "a variant names a rule, an offer, or is a holdout (\"holdout\": true): exactly one");
        }
        return new Experiment.Variant(name, weight == null ? 1 : weight, rule, offer, holdout);
    }
}
