package io.nudge.experiments;

import io.nudge.schemas.ExperimentOutcome;
import java.util.HashMap;
import java.util.Map;

/**
 * Each experiment's per-variant tallies, summed from its outcomes as the job wrote them (once each). A purchase carries
 * what the customer had spent in the window before it, so the sum of squares of revenue per customer grows by
 * (before + value)² − before² without anyone's total being kept here.
 */
public final class ExperimentResults {

    private final Map<String, Map<String, Counts>> byExperiment = new HashMap<>();

    public synchronized void add(ExperimentOutcome outcome) {
        Counts counts = byExperiment.computeIfAbsent(outcome.getExperimentId(), id -> new HashMap<>())
                .computeIfAbsent(outcome.getVariant(), variant -> new Counts());
        switch (outcome.getKind()) {
            case EXPOSURE -> counts.exposed++;
            case PURCHASE -> {
                if (outcome.getFirstPurchase()) {
                    counts.converted++;
                }
                double before = outcome.getEarlierValue();
                double value = outcome.getValue();
                counts.revenue += value;
                counts.revenueSquares += 2 * before * value + value * value;
            }
            default -> { }
        }
    }

    /** The variant's tally so far (a purchase read before its exposure is not counted as a conversion until it is). */
    public synchronized VariantTally tally(String experimentId, String variant) {
        Counts counts = byExperiment.getOrDefault(experimentId, Map.of()).get(variant);
        if (counts == null) {
            return VariantTally.NONE;
        }
        return new VariantTally(counts.exposed, Math.min(counts.converted, counts.exposed), counts.revenue, counts.revenueSquares);
    }

    /** Forgets an experiment's figures (when it is deleted). */
    public synchronized void remove(String experimentId) {
        byExperiment.remove(experimentId);
    }

    private static final class Counts {
        long exposed;
        long converted;
        double revenue;
        double revenueSquares;
    }
}
