package io.nudge.job.triggers;

import io.nudge.catalogue.Catalogue;
import io.nudge.offers.CrossSell;
import io.nudge.offers.NextBestOffers;
import io.nudge.offers.OfferIndex;
import io.nudge.offers.RecommendationContext;
import io.nudge.offers.ScoredOffer;
import io.nudge.schemas.CustomerProfile;
import io.nudge.experiments.Experiment;
import io.nudge.experiments.ExperimentJson;
import io.nudge.experiments.ExperimentSplit;
import io.nudge.schemas.ExperimentDefinition;
import io.nudge.schemas.Offer;
import io.nudge.schemas.RuleStatus;
import io.nudge.schemas.SegmentDefinition;
import io.nudge.schemas.TriggerRule;
import io.nudge.segments.Segment;
import io.nudge.segments.SegmentJson;
import io.nudge.triggers.Rule;
import io.nudge.triggers.RuleJson;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules, offers, segments and experiments every customer operator sees, kept as broadcast state (so they survive restarts
 * with the checkpoint) plus caches of parsed rules and segments, rebuilt when one's version changes.
 */
public final class RulesAndOffers implements Serializable {

    private static final Logger LOG = LoggerFactory.getLogger(RulesAndOffers.class);

    public static final MapStateDescriptor<String, TriggerRule> RULES =
            new MapStateDescriptor<>("trigger-rules", Types.STRING, new AvroTypeInfo<>(TriggerRule.class));
    public static final MapStateDescriptor<String, Offer> OFFERS =
            new MapStateDescriptor<>("offers", Types.STRING, new AvroTypeInfo<>(Offer.class));
    public static final MapStateDescriptor<String, SegmentDefinition> SEGMENTS =
            new MapStateDescriptor<>("segments", Types.STRING, new AvroTypeInfo<>(SegmentDefinition.class));
    public static final MapStateDescriptor<String, ExperimentDefinition> EXPERIMENTS =
            new MapStateDescriptor<>("experiments", Types.STRING, new AvroTypeInfo<>(ExperimentDefinition.class));

    /**
     * What a job knows before its first event: rules, offers and the ids of forgotten customers. A replay starts
     * with them as they are, so that every event of the history meets the same rules however the broadcast and
     * the events interleave, and no event of a forgotten customer is replayed; the live job starts empty and
     * learns rules and offers from the broadcast (and forget requests from the events).
     */
    public record Snapshot(Map<String, TriggerRule> rules, Map<String, Offer> offers, Map<String, SegmentDefinition> segments,
                           Map<String, ExperimentDefinition> experiments, Set<String> forgotten) implements Serializable {
        public static final Snapshot EMPTY = new Snapshot(Map.of(), Map.of(), Map.of(), Map.of(), Set.of());

        public Snapshot {
            rules = Map.copyOf(rules);
            offers = Map.copyOf(offers);
            segments = Map.copyOf(segments);
            experiments = Map.copyOf(experiments);
            forgotten = Set.copyOf(forgotten);
        }
    }

    private final NextBestOffers nextBestOffers;
    private final Snapshot initial;
    private transient Map<String, Rule> parsed;
    private transient Map<String, Segment> parsedSegments;
    private transient Map<String, Experiment> parsedExperiments;
    private transient ExperimentSplit split;

    public RulesAndOffers(NextBestOffers nextBestOffers, Snapshot initial) {
        this.nextBestOffers = nextBestOffers;
        this.initial = initial;
    }

    public static void apply(RulesAndOffersChange change, BroadcastState<String, TriggerRule> rules, BroadcastState<String, Offer> offers,
                             BroadcastState<String, SegmentDefinition> segments, BroadcastState<String, ExperimentDefinition> experiments)
            throws Exception {
        if (change.experimentId != null) {
            if (change.deleted) {
                experiments.remove(change.experimentId);
            } else {
                experiments.put(change.experimentId, change.experiment);
            }
        } else if (change.segmentId != null) {
            if (change.deleted) {
                segments.remove(change.segmentId);
            } else {
                segments.put(change.segmentId, change.segment);
            }
        } else if (change.ruleId != null) {
            if (change.deleted) {
                rules.remove(change.ruleId);
            } else {
                rules.put(change.ruleId, change.rule);
            }
        } else if (change.deleted) {
            offers.remove(change.offerId);
        } else {
            offers.put(change.offerId, change.offer);
        }
    }

    /** The rules in force, parsed; a rule whose document does not parse (it was validated on submit) is skipped. */
    public List<Rule> rules(ReadOnlyBroadcastState<String, TriggerRule> stored) throws Exception {
        if (parsed == null) {
            parsed = new HashMap<>();
        }
        Map<String, TriggerRule> known = new HashMap<>(initial.rules());
        for (Map.Entry<String, TriggerRule> entry : stored.immutableEntries()) {
            known.put(entry.getKey(), entry.getValue());
        }
        List<Rule> rules = new ArrayList<>();
        for (Map.Entry<String, TriggerRule> entry : known.entrySet()) {
            TriggerRule rule = entry.getValue();
            Rule cached = parsed.get(rule.getRuleId());
            if (cached == null || cached.version() != rule.getVersion() || cached.active() != (rule.getStatus() == RuleStatus.ACTIVE)) {
                RuleJson.Parsed result = RuleJson.parse(rule.getDefinition(), rule.getRuleId(), rule.getVersion(), rule.getStatus() == RuleStatus.ACTIVE);
                if (result.rule() == null) {
                    LOG.warn("Skipping rule {} v{}: {}", rule.getRuleId(), rule.getVersion(), result.errors());
                    continue;
                }
                cached = result.rule();
                parsed.put(rule.getRuleId(), cached);
            }
            rules.add(cached);
        }
        rules.sort(java.util.Comparator.comparing(Rule::ruleId));
        return rules;
    }

    /**
     * The segments in force (switched-off ones included: their members leave), parsed; one whose document does not
     * parse (it was validated on submit) is skipped.
     */
    public List<Segment> segments(ReadOnlyBroadcastState<String, SegmentDefinition> stored) throws Exception {
        if (parsedSegments == null) {
            parsedSegments = new HashMap<>();
        }
        Map<String, SegmentDefinition> known = new HashMap<>(initial.segments());
        for (Map.Entry<String, SegmentDefinition> entry : stored.immutableEntries()) {
            known.put(entry.getKey(), entry.getValue());
        }
        List<Segment> segments = new ArrayList<>();
        for (SegmentDefinition definition : known.values()) {
            Segment cached = parsedSegments.get(definition.getSegmentId());
            if (cached == null || cached.version() != definition.getVersion() || cached.active() != definition.getActive()) {
                SegmentJson.Parsed result = SegmentJson.parse(definition.getDefinition(), definition.getSegmentId(), definition.getVersion(),
                        definition.getActive());
                if (result.segment() == null) {
                    LOG.warn("Skipping segment {} v{}: {}", definition.getSegmentId(), definition.getVersion(), result.errors());
                    continue;
                }
                cached = result.segment();
                parsedSegments.put(definition.getSegmentId(), cached);
            }
            segments.add(cached);
        }
        segments.sort(java.util.Comparator.comparing(Segment::segmentId));
        return segments;
    }

    /**
     * Who is given which rule under experiment, built anew only when an experiment changed; one whose document does
     * not parse (it was validated on submit) is skipped, and its rules go to everyone.
     */
    public ExperimentSplit split(ReadOnlyBroadcastState<String, ExperimentDefinition> stored) throws Exception {
        if (parsedExperiments == null) {
            parsedExperiments = new HashMap<>();
            split = ExperimentSplit.NONE;
        }
        Map<String, ExperimentDefinition> known = new HashMap<>(initial.experiments());
        for (Map.Entry<String, ExperimentDefinition> entry : stored.immutableEntries()) {
            known.put(entry.getKey(), entry.getValue());
        }
        boolean changed = !parsedExperiments.keySet().equals(known.keySet());
        for (ExperimentDefinition definition : known.values()) {
            Experiment cached = parsedExperiments.get(definition.getExperimentId());
            if (cached == null || cached.version() != definition.getVersion() || cached.active() != definition.getActive()) {
                ExperimentJson.Parsed result = ExperimentJson.parse(definition.getDefinition(), definition.getExperimentId(), definition.getVersion(),
                        definition.getActive());
                if (result.experiment() == null) {
                    LOG.warn("Skipping experiment {} v{}: {}", definition.getExperimentId(), definition.getVersion(), result.errors());
                    continue;
                }
                parsedExperiments.put(definition.getExperimentId(), result.experiment());
                changed = true;
            }
        }
        if (changed) {
            parsedExperiments.keySet().retainAll(known.keySet());
            split = new ExperimentSplit(parsedExperiments.values());
        }
        return split;
    }

    /** The next-best offer for a message to {@code profile} on {@code channel}, judged at event time {@code at}. */
    public Optional<ScoredOffer> bestOffer(ReadOnlyBroadcastState<String, Offer> stored, CustomerProfile profile, String channel, long at,
                                           NextBestOffers.SegmentMembership segments) throws Exception {
        Map<String, Offer> known = new HashMap<>(initial.offers());
        for (Map.Entry<String, Offer> entry : stored.immutableEntries()) {
            known.put(entry.getKey(), entry.getValue());
        }
        List<Offer> offers = new ArrayList<>(known.values());
        offers.sort(java.util.Comparator.comparing(Offer::getOfferId));
        NextBestOffers.Market market = new NextBestOffers.Market(OfferIndex.of(offers), Catalogue.NONE, CrossSell.NONE, Map.of(), List.of(), segments);
        return nextBestOffers.recommend(profile.getProfileKey(), profile, RecommendationContext.NONE, channel, Instant.ofEpochMilli(at), 1, false, market)
                .offers().stream().findFirst();
    }
}
