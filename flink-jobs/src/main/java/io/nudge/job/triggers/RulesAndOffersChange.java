package io.nudge.job.triggers;

import io.nudge.schemas.Offer;
import io.nudge.schemas.SegmentDefinition;
import io.nudge.schemas.TriggerRule;

/**
 * A change to what every customer's operator must know: a trigger rule, an offer or a segment, new, updated or
 * deleted ({@code deleted} with only the id set). Read from the compacted rules, offers and segments topics and
 * broadcast.
 */
public final class RulesAndOffersChange {
    public String ruleId;
    public TriggerRule rule;
    public String offerId;
    public Offer offer;
    public String segmentId;
    public SegmentDefinition segment;
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

    @Override
    public String toString() {
        return (ruleId != null ? "rule " + ruleId : segmentId != null ? "segment " + segmentId : "offer " + offerId) + (deleted ? " deleted" : "");
    }
}
