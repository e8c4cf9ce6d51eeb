package io.nudge.experiments;

import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.ExperimentOutcome;
import java.io.Serializable;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which rules and offers under experiment each customer is given. A customer exposed before keeps their stored
 * variant; one exposed now is given the variant their id hashes to, and the exposure is recorded. A paused experiment
 * exposes no one new: those it never exposed get its first variant, uncounted. Rules and offers in no experiment go
 * to everyone, as do those of a deleted experiment.
 */
public final class ExperimentSplit implements Serializable {

    public static final ExperimentSplit NONE = new ExperimentSplit(List.of());

    private final Map<String, Experiment> byRule = new HashMap<>();
    private final Map<String, Experiment> byOffer = new HashMap<>();
    private final List<Experiment> onOffers;

    public ExperimentSplit(Collection<Experiment> experiments) {
        for (Experiment experiment : experiments) {
            experiment.ruleIds().forEach(ruleId -> byRule.put(ruleId, experiment));
            experiment.offerIds().forEach(offerId -> byOffer.put(offerId, experiment));
        }
        onOffers = experiments.stream().filter(e -> !e.offerIds().isEmpty()).toList();
    }

    public boolean isEmpty() {
        return byRule.isEmpty() && byOffer.isEmpty();
    }

    /**
     * Whether a firing of {@code ruleId} at {@code at} goes to this customer; a first exposure is stored in the profile
     * and added to {@code exposures}. Holdout customers are exposed and given nothing.
     */
    public boolean gives(CustomerProfile profile, String ruleId, long at, List<ExperimentOutcome> exposures) {
        Experiment experiment = byRule.get(ruleId);
        if (experiment == null) {
            return true;
        }
        return ruleId.equals(variant(profile, profile.getProfileKey(), experiment, at, exposures).ruleId());
    }

    /**
     * The offers this visitor is not given: the other variants' offers of every experiment on offers (all of them for a
     * holdout). {@code exposed} receives each experiment and variant the visitor is exposed to for the first time.
     *
     * @param profile the visitor's profile, or null when there is none yet
     */
    public Set<String> withheldOffers(CustomerProfile profile, String unitId, Exposures exposed) {
        if (onOffers.isEmpty()) {
            return Set.of();
        }
        Set<String> withheld = new HashSet<>();
        for (Experiment experiment : onOffers) {
            Experiment.Variant variant;
            if (ExperimentLedger.assignment(profile, experiment.experimentId()) != null) {
                variant = ExperimentLedger.variantOf(profile, unitId, experiment);
            } else if (!experiment.active()) {
                variant = experiment.variants().get(0);
            } else {
                variant = experiment.variantFor(unitId);
                exposed.expose(experiment, variant);
            }
            for (String offerId : experiment.offerIds()) {
                if (!offerId.equals(variant.offerId())) {
                    withheld.add(offerId);
                }
            }
        }
        return withheld;
    }

    /** Receives first exposures found while serving, to have them stored. */
    @FunctionalInterface
    public interface Exposures {
        void expose(Experiment experiment, Experiment.Variant variant);
    }

    private static Experiment.Variant variant(CustomerProfile profile, String unitId, Experiment experiment, long at,
                                              List<ExperimentOutcome> exposures) {
        if (ExperimentLedger.assignment(profile, experiment.experimentId()) != null) {
            return ExperimentLedger.variantOf(profile, unitId, experiment);
        }
        if (!experiment.active()) {
            return experiment.variants().get(0);
        }
        Experiment.Variant variant = experiment.variantFor(unitId);
        ExperimentOutcome exposure = ExperimentLedger.expose(profile, experiment.experimentId(), variant.name(), experiment.conversionWindow(), at);
        if (exposure != null) {
            exposures.add(exposure);
        }
        return variant;
    }
}
