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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Experiments for marketers ({@code /v1/admin/experiments}): list, create, update (a new version), pause, resume,
 * delete, and one experiment with its report — per variant the customers exposed, converted and their revenue, and
 * each variant against the control with always-valid intervals and the decision they allow. Definitions go to the
 * compacted experiments topic, which the running job follows; the figures come from the job's outcomes.
 */
final class ExperimentsHandler extends VersionedDocumentHandler<ExperimentDefinition> {

    private final ExperimentBook experiments;
    private final ExperimentResults results;
    private final RuleBook rules;
    private final OfferStore offers;
    private final double confidence;

    ExperimentsHandler(ExperimentBook experiments, ExperimentResults results, RuleBook rules, OfferStore offers, AcknowledgedWriter writer,
                       double confidence, ObjectMapper json, Clock clock) {
        super("experiment", "experimentId", "/v1/admin/experiments", Codecs.EXPERIMENTS, experiments, writer, json, clock);
        this.experiments = experiments;
        this.results = results;
        this.rules = rules;
        this.offers = offers;
        this.confidence = confidence;
    }

    void list(Context ctx) {
        ctx.json(Map.of("experiments", experiments.all().stream().map(this::view).toList()));
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
        ctx.json(new ExperimentDetail(view(definition), confidence, variants, comparisons));
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

    /**
     * Its rules and offers must exist, and belong to no other experiment: a customer could not be in two variants of
     * one rule.
     */
    @Override
    protected String validated(JsonNode definition, String experimentId) {
        ExperimentJson.Parsed parsed = ExperimentJson.parse(definition, experimentId, 1, true);
        if (parsed.experiment() == null) {
            throw ApiException.badRequest("invalid experiment", parsed.errors());
        }
        List<FieldError> errors = new ArrayList<>();
        List<Experiment.Variant> variants = parsed.experiment().variants();
        for (int i = 0; i < variants.size(); i++) {
            Experiment.Variant variant = variants.get(i);
            String field = "variants[" + i + "]." + (variant.ruleId() != null ? "rule" : "offer");
            if (variant.ruleId() != null && rules.get(variant.ruleId()).isEmpty()) {
                errors.add(new FieldError(field, "no rule '" + variant.ruleId() + "'"));
            }
            if (variant.offerId() != null && offers.get(variant.offerId()).isEmpty()) {
                errors.add(new FieldError(field, "no offer '" + variant.offerId() + "'"));
            }
            for (Experiment other : experiments.parsed()) {
                if (!other.experimentId().equals(experimentId)
                        && (other.ruleIds().contains(variant.ruleId()) || other.offerIds().contains(variant.offerId()))) {
                    errors.add(new FieldError(field, "already tested by experiment '" + other.experimentId() + "'"));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.badRequest("invalid experiment", errors);
        }
        return definition.toString();
    }

    @Override
    protected String idOf(ExperimentDefinition experiment) {
        return experiment.getExperimentId();
    }

    /** A new version keeps who was exposed in which variant: assignments live in the profiles. */
    @Override
    protected ExperimentDefinition nextVersion(ExperimentDefinition current, String experimentId, String definition, Instant now) {
        return current == null ? new ExperimentDefinition(experimentId, 1, true, definition, now)
                : new ExperimentDefinition(experimentId, current.getVersion() + 1, current.getActive(), definition, now);
    }

    @Override
    protected ExperimentDefinition withActive(ExperimentDefinition current, boolean active, Instant now) {
        return ExperimentDefinition.newBuilder(current).setActive(active).setUpdatedAt(now).build();
    }

    @Override
    protected void deleted(String experimentId) {
        results.remove(experimentId);
    }

    @Override
    protected ExperimentView view(ExperimentDefinition experiment) {
        long exposed = experiments.parsed(experiment.getExperimentId()).map(parsed -> parsed.variants().stream()
                .mapToLong(v -> results.tally(experiment.getExperimentId(), v.name()).exposed()).sum()).orElse(0L);
        return new ExperimentView(experiment.getExperimentId(), experiment.getVersion(), experiment.getActive() ? "active" : "paused",
                experiment.getUpdatedAt().toString(), exposed, definitionOf(experiment.getDefinition()));
    }
}
