package io.nudge.serving.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.nudge.events.FieldError;
import io.nudge.experiments.Experiment;
import io.nudge.experiments.ExperimentJson;
import io.nudge.experiments.ExperimentReport;
import io.nudge.experiments.ExperimentResults;
import io.nudge.experiments.SequentialTest;
import io.nudge.schemas.Codecs;
import io.nudge.schemas.ExperimentDefinition;
import io.nudge.serving.experiments.ExperimentBook;
import io.nudge.serving.kafka.AcknowledgedWriter;
import io.nudge.serving.offers.OfferStore;
import io.nudge.serving.rules.RuleBook;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Experiments for marketers ({@code /v1/admin/experiments}): list, create, update (a new version), pause, resume,
 * delete, and one experiment with its report — per variant the customers exposed, converted and their revenue, and
 * each variant against the control with always-valid intervals and the decision they allow. Definitions go to the
 * compacted experiments topic, which the running job follows; the figures come from the job's outcomes.
 */
final class ExperimentsHandler {

    private final ExperimentBook experiments;
    private final ExperimentResults results;
    private final RuleBook rules;
    private final OfferStore offers;
    private final AcknowledgedWriter writer;
    private final double confidence;
    private final ObjectMapper json;
    private final Clock clock;

    ExperimentsHandler(ExperimentBook experiments, ExperimentResults results, RuleBook rules, OfferStore offers, AcknowledgedWriter writer,
                       double confidence, ObjectMapper json, Clock clock) {
        this.experiments = experiments;
        this.results = results;
        this.rules = rules;
        this.offers = offers;
        this.writer = writer;
        this.confidence = confidence;
        this.json = json;
        this.clock = clock;
    }

    void list(Context ctx) {
        ctx.json(Map.of("experiments", experiments.all().stream().map(this::render).toList()));
    }

    void get(Context ctx) {
        ExperimentDefinition definition = existing(ctx);
        Experiment experiment = experiments.parsed(definition.getExperimentId())
                .orElseThrow(() -> new ApiException(500, "experiment '" + definition.getExperimentId() + "' no longer parses", List.of()));
        ExperimentReport report = ExperimentReport.of(experiment, results, confidence);
        int totalWeight = experiment.variants().stream().mapToInt(Experiment.Variant::weight).sum();
        List<VariantRow> variants = report.variants().stream().map(v -> new VariantRow(v.name(), v.weight(), (double) v.weight() / totalWeight,
                v.holdout() ? "holdout" : v.ruleId() != null ? "rule" : "offer", v.holdout() ? null : v.ruleId() != null ? v.ruleId() : v.offerId(),
                v.tally().exposed(), v.tally().converted(), v.tally().conversionRate(), v.tally().revenue(), v.tally().revenuePerExposed())).toList();
        List<ComparisonRow> comparisons = report.comparisons().stream().map(c -> new ComparisonRow(c.variant(), c.control(), c.decision(),
                metric(c.conversion()), metric(c.revenue()))).toList();
        ctx.json(new ExperimentDetail(render(definition), confidence, variants, comparisons));
    }

    void create(Context ctx) throws AcknowledgedWriter.UnavailableException {
        JsonNode body = Requests.jsonBody(ctx, json);
        String experimentId = body.isObject() && body.hasNonNull("experimentId") ? body.get("experimentId").asText() : null;
        if (experimentId == null) {
            throw ApiException.badRequest("experimentId", "is required");
        }
        Requests.id(experimentId, "experimentId");
        if (experiments.get(experimentId).isPresent()) {
            throw new ApiException(409, "experiment '" + experimentId + "' exists; change it with PUT /v1/admin/experiments/" + experimentId, List.of());
        }
        String definition = validated(Requests.withoutField(body, "experimentId"), experimentId);
        ctx.status(201).json(render(publish(new ExperimentDefinition(experimentId, 1, true, definition, clock.instant()))));
    }

    void update(Context ctx) throws AcknowledgedWriter.UnavailableException {
        ExperimentDefinition current = existing(ctx);
        JsonNode body = Requests.jsonBody(ctx, json);
        if (body.isObject() && body.hasNonNull("experimentId") && !body.get("experimentId").asText().equals(current.getExperimentId())) {
            throw ApiException.badRequest("experimentId", "does not match the id in the path '" + current.getExperimentId() + "'");
        }
        String definition = validated(Requests.withoutField(body, "experimentId"), current.getExperimentId());
        ctx.json(render(publish(new ExperimentDefinition(current.getExperimentId(), current.getVersion() + 1, current.getActive(), definition,
                clock.instant()))));
    }

    void pause(Context ctx) throws AcknowledgedWriter.UnavailableException {
        setActive(ctx, false);
    }

    void resume(Context ctx) throws AcknowledgedWriter.UnavailableException {
        setActive(ctx, true);
    }

    void delete(Context ctx) throws AcknowledgedWriter.UnavailableException {
        ExperimentDefinition current = existing(ctx);
        writer.write(current.getExperimentId(), null);
        experiments.remove(current.getExperimentId());
        results.remove(current.getExperimentId());
        ctx.status(204);
    }

    /** An experiment as the API lists it: its document as JSON and how many customers it has exposed. */
    record ExperimentView(String experimentId, int version, String status, String updatedAt, long exposed, Object definition) {}

    record VariantRow(String name, int weight, double share, String kind, String target, long exposed, long converted, double conversionRate,
                      double revenue, double revenuePerExposed) {}

    /** One metric, variant against control; bounds and lifts that are not known yet are null. */
    record MetricRow(double control, double variant, double difference, Double lower, Double upper, Double relativeLift,
                     Double relativeLower, Double relativeUpper, double pValue, String verdict, Long moreExposuresNeeded) {}

    record ComparisonRow(String variant, String control, String decision, MetricRow conversion, MetricRow revenuePerExposed) {}

    record ExperimentDetail(ExperimentView experiment, double confidence, List<VariantRow> variants, List<ComparisonRow> comparisons) {}

    private static MetricRow metric(SequentialTest.Comparison c) {
        return new MetricRow(c.control(), c.variant(), c.difference(), finite(c.lower()), finite(c.upper()), finite(c.relativeLift()),
                finite(c.relativeLower()), finite(c.relativeUpper()), c.pValue(), c.verdict().name().toLowerCase(java.util.Locale.ROOT),
                c.moreExposuresNeeded() < 0 ? null : c.moreExposuresNeeded());
    }

    private static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }

    private void setActive(Context ctx, boolean active) throws AcknowledgedWriter.UnavailableException {
        ExperimentDefinition current = existing(ctx);
        ctx.json(render(publish(ExperimentDefinition.newBuilder(current).setActive(active).setUpdatedAt(clock.instant()).build())));
    }

    private ExperimentDefinition publish(ExperimentDefinition experiment) throws AcknowledgedWriter.UnavailableException {
        writer.write(experiment.getExperimentId(), Codecs.EXPERIMENTS.encode(experiment));
        experiments.upsert(experiment);
        return experiment;
    }

    private ExperimentDefinition existing(Context ctx) {
        String experimentId = Requests.id(ctx.pathParam("experimentId"), "experimentId");
        return experiments.get(experimentId).orElseThrow(() -> new ApiException(404, "no experiment '" + experimentId + "'", List.of()));
    }

    /**
     * The document, validated and written compactly. Its rules and offers must exist, and belong to no other
     * experiment: a customer could not be in two variants of one rule.
     */
    private String validated(JsonNode definition, String experimentId) {
        ExperimentJson.Parsed parsed = ExperimentJson.parse(definition, experimentId, 1, true);
        if (parsed.experiment() == null) {
            throw ApiException.badRequest("invalid experiment", parsed.errors());
        }
        List<FieldError> errors = new ArrayList<>();
        List<Experiment.Variant> variants = parsed.experiment().variants();
        for (int i = 0; i < variants.size(); i++) {
            Experiment.Variant variant = variants.get(i);
            if (variant.ruleId() != null && rules.get(variant.ruleId()).isEmpty()) {
                errors.add(new FieldError("variants[" + i + "].rule", "no rule '" + variant.ruleId() + "'"));
            }
            if (variant.offerId() != null && offers.get(variant.offerId()).isEmpty()) {
                errors.add(new FieldError("variants[" + i + "].offer", "no offer '" + variant.offerId() + "'"));
            }
            for (ExperimentDefinition other : experiments.all()) {
                if (other.getExperimentId().equals(experimentId)) {
                    continue;
                }
                Experiment otherExperiment = experiments.parsed(other.getExperimentId()).orElse(null);
                if (otherExperiment != null && (otherExperiment.ruleIds().contains(variant.ruleId()) || otherExperiment.offerIds().contains(variant.offerId()))) {
                    errors.add(new FieldError("variants[" + i + "]." + (variant.ruleId() != null ? "rule" : "offer"),
                            "already tested by experiment '" + other.getExperimentId() + "'"));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.badRequest("invalid experiment", errors);
        }
        return definition.toString();
    }

    private ExperimentView render(ExperimentDefinition experiment) {
        Object definition;
        try {
            definition = json.readTree(experiment.getDefinition());
        } catch (Exception e) {
            definition = experiment.getDefinition();
        }
        long exposed = experiments.parsed(experiment.getExperimentId()).map(parsed -> parsed.variants().stream()
                .mapToLong(v -> results.tally(experiment.getExperimentId(), v.name()).exposed()).sum()).orElse(0L);
        return new ExperimentView(experiment.getExperimentId(), experiment.getVersion(), experiment.getActive() ? "active" : "paused",
                experiment.getUpdatedAt().toString(), exposed, definition);
    }
}
