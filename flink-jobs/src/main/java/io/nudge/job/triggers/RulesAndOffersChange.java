package io.nudge.job.triggers;

import io.nudge.schemas.Offer;
import io.nudge.schemas.TriggerRule;

/**
 * A change to what every customer's operator must know: a trigger rule or an offer, new, updated or deleted
 * ({@code deleted} with only the id set). Read from the compacted rules and offers topics and broadcast.
 */
public final class RulesAndOffersChange {
    public String ruleId;
    public TriggerRule rule;
    public String offerId;
    public Offer offer;
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

    @Override
    public String toString() {
        return (ruleId != null ? "rule " + ruleId : "offer " + offerId) + (deleted ? " deleted" : "");
    }
}
