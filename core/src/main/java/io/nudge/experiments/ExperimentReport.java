package io.nudge.experiments;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What an experiment has shown so far: each variant's figures, and each variant against the first (the control) on
 * conversion and revenue per exposed customer, with intervals that stay valid however often they are read
 * ({@link SequentialTest}), and the decision they allow in words.
 */
public record ExperimentReport(String experimentId, double confidence, List<VariantFigures> variants, List<VariantComparison> comparisons) {

    public record VariantFigures(String name, int weight, String ruleId, String offerId, boolean holdout, VariantTally tally) {}

    public record VariantComparison(String variant, String control, SequentialTest.Comparison conversion, SequentialTest.Comparison revenue,
                                    String decision) {}

    public static ExperimentReport of(Experiment experiment, ExperimentResults results, double confidence) {
        List<VariantFigures> figures = new ArrayList<>();
        for (Experiment.Variant variant : experiment.variants()) {
            figures.add(new VariantFigures(variant.name(), variant.weight(), variant.ruleId(), variant.offerId(), variant.holdout(),
                    results.tally(experiment.experimentId(), variant.name())));
        }
        VariantFigures control = figures.get(0);
        List<VariantComparison> comparisons = new ArrayList<>();
        for (VariantFigures variant : figures.subList(1, figures.size())) {
            SequentialTest.Comparison conversion = SequentialTest.compare(control.tally(), variant.tally(), VariantTally.Metric.CONVERSION, confidence);
            SequentialTest.Comparison revenue = SequentialTest.compare(control.tally(), variant.tally(), VariantTally.Metric.REVENUE, confidence);
            comparisons.add(new VariantComparison(variant.name(), control.name(), conversion, revenue,
                    decision(variant.name(), control.name(), conversion, confidence)));
        }
        return new ExperimentReport(experiment.experimentId(), confidence, figures, comparisons);
    }

    /** The conversion verdict as a marketer reads it. */
    static String decision(String variant, String control, SequentialTest.Comparison conversion, double confidence) {
        String percent = String.format(Locale.ROOT, "%.0f %%", confidence * 100);
        return switch (conversion.verdict()) {
            case TOO_EARLY -> "too early: each variant needs " + SequentialTest.MIN_EXPOSED + " exposed customers";
            case BETTER -> variant + " converts better than " + control + " with " + percent + " confidence";
            case WORSE -> variant + " converts worse than " + control + " with " + percent + " confidence";
            case NO_DIFFERENCE_YET -> conversion.moreExposuresNeeded() > 0
                    ? "no difference yet; about " + conversion.moreExposuresNeeded() + " more exposures per variant needed if the difference seen holds"
                    : "no difference yet";
        };
    }
}
