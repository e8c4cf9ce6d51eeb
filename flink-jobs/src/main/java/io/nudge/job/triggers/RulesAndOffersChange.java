package io.nudge.job.triggers;

import io.nudge.schemas.ExperimentDefinition;
import io.nudge.schemas.Offer;
import io.nudge.schemas.SegmentDefinition;
import io.nudge.schemas.TriggerRule;

/**
 * A change to what every customer's operator must know: a trigger rule, an offer, a segment or an experiment, new, updated or
 * deleted ({@code deleted} with only the id set). Read from the compacted rules, offers, segments and experiments topics and
 * broadcast.
 */
public final class RulesAndOffersChange {
    public String ruleId;
    public TriggerRule rule;
    public String offerId;
    public Offer offer;
    public String segmentId;
    public SegmentDefinition segment;
    public String experimentId;
    public ExperimentDefinition experiment;
    public boolean deleted;

    public RulesAndOffersChange() {}

    public static RulesAndOffersChange rule(String ruleId, TriggerRule rule) {
        RulesAndOffersChange change = new RulesAndOffersChange();
        change.ruleId = ruleId;
        change.rule = rule;
        change.deleted = rule == null;
        return change;
    }

    public static RulesAndOffersChange offer(String offerId, Offer offer) {
        RulesAndOffersChange change = new RulesAndOffersChange();
        change.offerId = offerId;
        change.offer = offer;
        change.deleted = offer == null;
        return change;
    }

    public static RulesAndOffersChange segment(String segmentId, SegmentDefinition segment) {
        RulesAndOffersChange change = new RulesAndOffersChange();
        change.segmentId = segmentId;
        change.segment = segment;
        change.deleted = segment == null;
        return change;
    }

    public static RulesAndOffersChange experiment(String experimentId, ExperimentDefinition experiment) {
        RulesAndOffersChange change = new RulesAndOffersChange();
        change.experimentId = experimentId;
        change.experiment = experiment;
        change.deleted = experiment == null;
        return change;
    }

    @Override
    public String toString() {
        return (ruleId != null ? "rule " + ruleId : segmentId != null ? "segment " + segmentId : experimentId != null ? "experiment " + experimentId
                : "offer " + offerId) + (deleted ? " deleted" : "");
    }
}
