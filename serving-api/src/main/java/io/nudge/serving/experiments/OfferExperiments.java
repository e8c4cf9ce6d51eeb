package io.nudge.serving.experiments;

import io.nudge.experiments.ExperimentLedger;
import io.nudge.schemas.CustomerProfile;
import io.nudge.serving.events.EventCollector;
import java.time.Instant;
import java.util.Set;

/**
 * Experiments on offers as the API serves them: which offers a visitor is not given, and the first exposure of each,
 * written as an event for the job to store in the visitor's profile (so that the variant stays theirs after login).
 *
 * <p>An exposure is written only for a profile that says whose it is (a customer's or an anonymous visitor's): the
 * event must reach the right one. A visitor Nudge has no profile for yet is given the variant their id hashes to
 * — the same one their first exposure will store, from their next request on.
 */
public final class OfferExperiments {

    private final ExperimentBook experiments;
    private final EventCollector collector;

    public OfferExperiments(ExperimentBook experiments, EventCollector collector) {
        this.experiments = experiments;
        this.collector = collector;
    }

    /**
     * @param profile the visitor's profile (the customer's, once they logged in), or null
     * @param visitorKey the profile key asked about, for a visitor without a profile
     */
    public Set<String> withheldOffers(CustomerProfile profile, String visitorKey, Instant now) {
        String unitId = profile != null ? profile.getProfileKey() : visitorKey;
        Boolean identified = profile == null ? null : profile.getIdentified();
        return experiments.split().withheldOffers(profile, unitId, (experiment, variant) -> {
            if (identified != null) {
                collector.sendLater(ExperimentLedger.exposureEvent(unitId, identified, experiment, variant, now));
            }
        });
    }
}
