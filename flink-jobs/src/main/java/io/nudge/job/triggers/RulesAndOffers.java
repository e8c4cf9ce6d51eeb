package io.nudge.job.triggers;

import io.nudge.catalogue.Catalogue;
import io.nudge.experiments.Experiment;
import io.nudge.experiments.ExperimentJson;
import io.nudge.experiments.ExperimentSplit;
import io.nudge.offers.CrossSell;
import io.nudge.offers.NextBestOffers;
import io.nudge.offers.OfferIndex;
import io.nudge.offers.RecommendationContext;
import io.nudge.offers.ScoredOffer;
import io.nudge.schemas.CustomerProfile;
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
import java.util.function.BiPredicate;
import java.util.function.Function;
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
    private transient Map<String, Rule> parsedRules;
    private transient Map<String, Segment> parsedSegments;
    private transient Map<String, Experiment> parsedExperiments;
    /** What is in force, worked out on first use after a change (null: to be worked out, as after a restore). */
    private transient List<Rule> rulesInForce;
    private transient List<Segment> segmentsInForce;
    private transient ExperimentSplit splitInForce;

    public RulesAndOffers(NextBestOffers nextBestOffers, Snapshot initial) {
        this.nextBestOffers = nextBestOffers;
        this.initial = initial;
    }

    /**
     * Applies a change to the broadcast state. What is in force is worked out again on next use, not per input: the
     * broadcast changes seldom, customers' inputs all the time.
     */
    public void apply(RulesAndOffersChange change, BroadcastState<String, TriggerRule> rules, BroadcastState<String, Offer> offers,
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
        rulesInForce = null;
        segmentsInForce = null;
        splitInForce = null;
    }

    /** The rules in force, parsed; a rule whose document does not parse (it was validated on submit) is skipped. */
    public List<Rule> rules(ReadOnlyBroadcastState<String, TriggerRule> stored) throws Exception {
        if (rulesInForce == null) {
            if (parsedRules == null) {
                parsedRules = new HashMap<>();
            }
            rulesInForce = inForce(initial.rules(), stored, parsedRules,
                    (rule, cached) -> cached.version() == rule.getVersion() && cached.active() == (rule.getStatus() == RuleStatus.ACTIVE),
                    rule -> {
                        RuleJson.Parsed result = RuleJson.parse(rule.getDefinition(), rule.getRuleId(), rule.getVersion(),
                                rule.getStatus() == RuleStatus.ACTIVE);
                        if (result.rule() == null) {
                            LOG.warn("Skipping rule {} v{}: {}", rule.getRuleId(), rule.getVersion(), result.errors());
                        }
                        return result.rule();
                    });
        }
        return rulesInForce;
    }

    /**
     * The segments in force (switched-off ones included: their members leave), parsed; one whose document does not
     * parse (it was validated on submit) is skipped.
     */
    public List<Segment> segments(ReadOnlyBroadcastState<String, SegmentDefinition> stored) throws Exception {
        if (segmentsInForce == null) {
            if (parsedSegments == null) {
                parsedSegments = new HashMap<>();
            }
            segmentsInForce = inForce(initial.segments(), stored, parsedSegments,
                    (definition, cached) -> cached.version() == definition.getVersion() && cached.active() == definition.getActive(),
                    definition -> {
                        SegmentJson.Parsed result = SegmentJson.parse(definition.getDefinition(), definition.getSegmentId(), definition.getVersion(),
                                definition.getActive());
                        if (result.segment() == null) {
                            LOG.warn("Skipping segment {} v{}: {}", definition.getSegmentId(), definition.getVersion(), result.errors());
                        }
                        return result.segment();
                    });
        }
        return segmentsInForce;
    }

    /**
     * Who is given which rule under experiment; an experiment whose document does not parse (it was validated on
     * submit) is skipped, and its rules go to everyone.
     */
    public ExperimentSplit split(ReadOnlyBroadcastState<String, ExperimentDefinition> stored) throws Exception {
        if (splitInForce == null) {
            if (parsedExperiments == null) {
                parsedExperiments = new HashMap<>();
            }
            List<Experiment> experiments = inForce(initial.experiments(), stored, parsedExperiments,
                    (definition, cached) -> cached.version() == definition.getVersion() && cached.active() == definition.getActive(),
                    definition -> {
                        ExperimentJson.Parsed result = ExperimentJson.parse(definition.getDefinition(), definition.getExperimentId(),
                                definition.getVersion(), definition.getActive());
                        if (result.experiment() == null) {
                            LOG.warn("Skipping experiment {} v{}: {}", definition.getExperimentId(), definition.getVersion(), result.errors());
                        }
                        return result.experiment();
                    });
            splitInForce = experiments.isEmpty() ? ExperimentSplit.NONE : new ExperimentSplit(experiments);
        }
        return splitInForce;
    }

    /**
     * The documents known from the start and from the broadcast (the broadcast's win), parsed, in id order; a document
     * is parsed again only when {@code upToDate} says its cached form is not, and one that does not parse is left out.
     */
    private static <D, P> List<P> inForce(Map<String, D> initial, ReadOnlyBroadcastState<String, D> stored, Map<String, P> parsed,
                                          BiPredicate<D, P> upToDate, Function<D, P> parse) throws Exception {
        Map<String, D> known = new java.util.TreeMap<>(initial);
        for (Map.Entry<String, D> entry : stored.immutableEntries()) {
            known.put(entry.getKey(), entry.getValue());
        }
        parsed.keySet().retainAll(known.keySet());
        List<P> inForce = new ArrayList<>();
        for (Map.Entry<String, D> entry : known.entrySet()) {
            P cached = parsed.get(entry.getKey());
            if (cached == null || !upToDate.test(entry.getValue(), cached)) {
                cached = parse.apply(entry.getValue());
                if (cached == null) {
                    parsed.remove(entry.getKey());
                    continue;
                }
                parsed.put(entry.getKey(), cached);
            }
            inForce.add(cached);
        }
        return List.copyOf(inForce);
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
