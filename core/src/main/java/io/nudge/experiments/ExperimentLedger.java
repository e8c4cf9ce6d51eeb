package io.nudge.experiments;

import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.EventType;
import io.nudge.schemas.ExperimentAssignment;
import io.nudge.schemas.ExperimentOutcome;
import io.nudge.schemas.InteractionEvent;
import io.nudge.schemas.OutcomeKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The experiments a customer takes part in, as their profile keeps them: the variant given at the first exposure and
 * what they bought within the conversion window after it. Each change comes out as an {@link ExperimentOutcome} —
 * one exposure per customer and experiment, one record per purchase — and, since the profile says what was already
 * counted, summing the outcomes counts every customer once, however often they are exposed again.
 */
public final class ExperimentLedger {

    /** Attributes of an {@link EventType#EXPERIMENT_EXPOSURE} event. */
    public static final String EXPERIMENT = "experiment";
    public static final String VARIANT = "variant";
    public static final String WINDOW_MILLIS = "conversionWindowMillis";
    /** Assignments a profile keeps; beyond it the oldest goes (a customer in more experiments than this is rare). */
    static final int MAX_ASSIGNMENTS = 50;

    private ExperimentLedger() {}

    public static ExperimentAssignment assignment(CustomerProfile profile, String experimentId) {
        if (profile == null) {
            return null;
        }
        for (ExperimentAssignment assignment : profile.getExperiments()) {
            if (assignment.getExperimentId().equals(experimentId)) {
                return assignment;
            }
        }
        return null;
    }

    /**
     * The customer's variant: the one stored at their first exposure, else the one their id hashes to (which the
     * exposure then stores). A stored variant the experiment no longer has reads as the hashed one.
     */
    public static Experiment.Variant variantOf(CustomerProfile profile, String unitId, Experiment experiment) {
        ExperimentAssignment stored = assignment(profile, experiment.experimentId());
        if (stored != null) {
            var variant = experiment.variant(stored.getVariant());
            if (variant.isPresent()) {
                return variant.get();
            }
        }
        return experiment.variantFor(unitId);
    }

    /**
     * Records the customer's first exposure to an experiment, in {@code variant}.
     *
     * @return the exposure to count, or null when the customer was exposed before (their stored variant stands)
     */
    public static ExperimentOutcome expose(CustomerProfile profile, String experimentId, String variant, Duration window, long at) {
        if (assignment(profile, experimentId) != null) {
            return null;
        }
        List<ExperimentAssignment> assignments = new ArrayList<>(profile.getExperiments());
        assignments.add(new ExperimentAssignment(experimentId, variant, Instant.ofEpochMilli(at), Instant.ofEpochMilli(at).plus(window), false, 0.0));
        if (assignments.size() > MAX_ASSIGNMENTS) {
            assignments.sort(java.util.Comparator.comparing(ExperimentAssignment::getExposedAt));
            assignments.remove(0);
        }
        profile.setExperiments(assignments);
        return outcome(experimentId, variant, OutcomeKind.EXPOSURE, 0, 0, false, at);
    }

    /**
     * What an event, already applied to the profile, counts for its experiments: an exposure event stores the variant
     * it names; a purchase counts for every experiment whose window it falls in.
     */
    public static List<ExperimentOutcome> onEvent(CustomerProfile profile, InteractionEvent event) {
        if (event.getType() == EventType.EXPERIMENT_EXPOSURE) {
            Map<String, String> attributes = event.getAttributes();
            ExperimentOutcome exposure = expose(profile, attributes.get(EXPERIMENT), attributes.get(VARIANT),
                    Duration.ofMillis(Long.parseLong(attributes.get(WINDOW_MILLIS))), event.getEventTime().toEpochMilli());
            return exposure == null ? List.of() : List.of(exposure);
        }
        if (event.getType() != EventType.PURCHASE || profile.getExperiments().isEmpty()) {
            return List.of();
        }
        Instant at = event.getEventTime();
        double value = event.getPrice() == null ? 0.0 : event.getPrice() * (event.getQuantity() == null ? 1 : event.getQuantity());
        List<ExperimentOutcome> outcomes = new ArrayList<>();
        for (ExperimentAssignment assignment : profile.getExperiments()) {
            if (!at.isBefore(assignment.getExposedAt()) && !at.isAfter(assignment.getConvertUntil())) {
                outcomes.add(outcome(assignment.getExperimentId(), assignment.getVariant(), OutcomeKind.PURCHASE,
                        value, assignment.getRevenue(), !assignment.getConverted(), at.toEpochMilli()));
                assignment.setConverted(true);
                assignment.setRevenue(assignment.getRevenue() + value);
            }
        }
        return outcomes;
    }

    /** At login: the visitor's assignments pass to the customer, except for experiments the customer was in already. */
    public static void absorb(CustomerProfile customer, CustomerProfile visitor) {
        if (visitor.getExperiments().isEmpty()) {
            return;
        }
        List<ExperimentAssignment> assignments = new ArrayList<>(customer.getExperiments());
        for (ExperimentAssignment assignment : visitor.getExperiments()) {
            if (assignment(customer, assignment.getExperimentId()) == null) {
                assignments.add(ExperimentAssignment.newBuilder(assignment).build());
            }
        }
        customer.setExperiments(assignments);
    }

    /**
     * The event by which the API has the job store a first exposure. Its id is the same for every exposure of one
     * profile to one experiment, so repeats before the profile shows the assignment are dropped as duplicates.
     *
     * @param identified whether {@code profileKey} is a customer's (else an anonymous visitor's)
     */
    public static InteractionEvent exposureEvent(String profileKey, boolean identified, Experiment experiment, Experiment.Variant variant,
                                                 Instant at) {
        return InteractionEvent.newBuilder()
                .setEventId("exposure:" + experiment.experimentId() + ":" + profileKey)
                .setCustomerId(identified ? profileKey : null)
                .setAnonymousId(identified ? null : profileKey)
                .setType(EventType.EXPERIMENT_EXPOSURE)
                .setEventTime(at)
                .setAttributes(Map.of(EXPERIMENT, experiment.experimentId(), VARIANT, variant.name(),
                        WINDOW_MILLIS, Long.toString(experiment.conversionWindow().toMillis())))
                .build();
    }


    private static ExperimentOutcome outcome(String experimentId, String variant, OutcomeKind kind, double value, double earlierValue,
                                             boolean firstPurchase, long at) {
        return new ExperimentOutcome(experimentId, variant, kind, value, earlierValue, firstPurchase, Instant.ofEpochMilli(at));
    }
}
