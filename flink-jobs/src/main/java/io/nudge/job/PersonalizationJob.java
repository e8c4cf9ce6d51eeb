package io.nudge.job;

import io.nudge.config.NudgeConfig;
import io.nudge.crosssell.AssociationLearner;
import io.nudge.crosssell.ItemPair;
import io.nudge.job.archive.Archive;
import io.nudge.job.catalogue.WatchItems;
import io.nudge.job.crosssell.CombinePairs;
import io.nudge.job.crosssell.LearnAssociations;
import io.nudge.job.crosssell.PairCounts;
import io.nudge.job.events.RouteRecords;
import io.nudge.job.events.SourceRecord;
import io.nudge.job.profile.CustomerOperator;
import io.nudge.job.profile.ProfileChange;
import io.nudge.job.profile.ProfileInput;
import io.nudge.job.profile.UpdateCustomer;
import io.nudge.job.profile.UpdateVisitor;
import io.nudge.job.serialization.SingleObjectTypeInfo;
import io.nudge.job.trending.CombineScopes;
import io.nudge.job.trending.CountItem;
import io.nudge.job.trending.ItemWindowCount;
import io.nudge.job.triggers.RulesAndOffers;
import io.nudge.job.triggers.RulesAndOffersChange;
import io.nudge.job.triggers.ReferenceData;
import io.nudge.offers.NextBestOffers;
import io.nudge.profile.CustomerMetrics;
import io.nudge.schemas.OutreachAction;
import io.nudge.schemas.ExperimentOutcome;
import io.nudge.schemas.SegmentMembership;
import io.nudge.segments.SegmentEngine;
import io.nudge.triggers.DeliveryPolicy;
import io.nudge.triggers.Triggers;
import io.nudge.job.trending.RankTrending;
import io.nudge.job.trending.ScopedEvent;
import io.nudge.profile.ProfileSettings;
import io.nudge.schemas.DeadLetter;
import io.nudge.schemas.InteractionEvent;
import io.nudge.schemas.EventType;
import io.nudge.schemas.Item;
import io.nudge.schemas.ItemAssociations;
import io.nudge.schemas.Trending;
import io.nudge.trending.PopularItems;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;

/**
 * The personalization job: events in; profiles, item associations, trending items and dead letters out.
 *
 * <pre>
 * rules, offers, segments ─ broadcast ──────────────────────────────────────────────┐ (UpdateCustomer evaluates triggers ─▶ outreach, segments ─▶ segment-changes)
 * items + customers' views and carts ─ keyBy(item) ─ WatchItems (forgotten customers broadcast) ─┤ (price drops and restocks, to the customers who looked)
 * outreach-failed, outreach-feedback ─ as customer inputs ──────────────────────────┤ (what became of their messages: contact history)
 * events ─ decode + validate ─ watermarks ─ route ─┬─ bad or late ─────────────────────────────────────────▶ events-dlq
 *                                                   ├─ has anonymousId ─ keyBy(anonymousId) ─ UpdateVisitor ──▶ profiles
 *                                                   │                       (linked: forwarded) ─────────────┐
 *                                                   ├─ customer only ───────────── keyBy(customerId) ─ UpdateCustomer ─▶ profiles
 *                                                   │      item pairs from both, counted ─ keyBy(item) ─ LearnAssociations ─▶ associations
 *                                                   └─ per category and '*', added up ─ keyBy(scope, item) ─ CountItem (sliding windows) ─ keyBy(scope, window) ─ RankTrending ─▶ trending
 * </pre>
 *
 * The source and sinks come in through the constructor, so the live job, replays and tests run the same graph
 * with different ends.
 */
public final class PersonalizationJob {

    public static final String NAME = "nudge-personalization";

    /** Where the job's results go. */
    public record Sinks(Sink<ProfileChange> profiles, Sink<ItemAssociations> associations, Sink<Trending> trending,
                        Sink<OutreachAction> outreach, Sink<SegmentMembership> segmentChanges, Sink<ExperimentOutcome> experimentOutcomes,
                        Sink<DeadLetter> deadLetters) {}

    private final Source<SourceRecord, ?, ?> events;
    private final Source<RulesAndOffersChange, ?, ?> rulesAndOffers;
    private final Source<Item, ?, ?> items;
    private final Source<ProfileInput, ?, ?> contactOutcomes;
    private final Sinks sinks;
    private final NudgeConfig config;
    private final RulesAndOffers.Snapshot initialRulesAndOffers;

    /**
     * @param rulesAndOffers trigger rules and offers, read in full from the start and then followed
     * @param items          the item catalogue, read in full from the start and then followed: its price drops and
     *                       restocks reach the customers who viewed the items
     * @param contactOutcomes what became of decided messages, for the customers' contact histories
     */
    public PersonalizationJob(Source<SourceRecord, ?, ?> events, Source<RulesAndOffersChange, ?, ?> rulesAndOffers, Source<Item, ?, ?> items,
                              Source<ProfileInput, ?, ?> contactOutcomes, Sinks sinks, NudgeConfig config) {
        this(events, rulesAndOffers, RulesAndOffers.Snapshot.EMPTY, items, contactOutcomes, sinks, config);
    }

    /**
     * @param initialRulesAndOffers rules and offers in force from the first event on (replays)
     * @param items                 null for none: history replayed does not meet the catalogue's changes
     * @param contactOutcomes       null for none: replayed decisions are not delivered
     */
    public PersonalizationJob(Source<SourceRecord, ?, ?> events, Source<RulesAndOffersChange, ?, ?> rulesAndOffers, RulesAndOffers.Snapshot initialRulesAndOffers,
                              Source<Item, ?, ?> items, Source<ProfileInput, ?, ?> contactOutcomes, Sinks sinks, NudgeConfig config) {
        this.events = events;
        this.rulesAndOffers = rulesAndOffers;
        this.items = items;
        this.contactOutcomes = contactOutcomes;
        this.initialRulesAndOffers = initialRulesAndOffers;
        this.sinks = sinks;
        this.config = config;
    }

    /** The job reading and writing the Kafka topics named in {@code config}. */
    public static PersonalizationJob onKafka(NudgeConfig config) {
        return new PersonalizationJob(KafkaEndpoints.eventSource(config), KafkaEndpoints.rulesAndOffersSource(config),
                KafkaEndpoints.itemsSource(config), KafkaEndpoints.contactOutcomesSource(config), KafkaEndpoints.sinks(config), config);
    }

    /** Adds the pipeline to {@code env}. */
    public void build(StreamExecutionEnvironment env) {
        Duration outOfOrderness = config.get(NudgeConfig.EVENTS_MAX_OUT_OF_ORDERNESS);
        WatermarkStrategy<SourceRecord> watermarks = WatermarkStrategy
                .<SourceRecord>forBoundedOutOfOrderness(outOfOrderness)
                // Rejected records carry no trustworthy event time: they must not move the watermark.
                .withTimestampAssigner((record, kafkaTimestamp) ->
                        record.isValid() ? record.event.getEventTime().toEpochMilli() : Long.MIN_VALUE)
                .withIdleness(config.get(NudgeConfig.EVENTS_SOURCE_IDLE_TIMEOUT));

        SingleOutputStreamOperator<InteractionEvent> valid = env
                .fromSource(events, watermarks, "events")
                .uid("events-source")
                .process(new RouteRecords(config.get(NudgeConfig.EVENTS_ALLOWED_LATENESS), initialRulesAndOffers.forgotten()))
                .uid("route-records")
                .name("decode, validate, route late");

        valid.getSideOutput(RouteRecords.DEAD_LETTERS)
                .sinkTo(sinks.deadLetters())
                .uid("dead-letter-sink")
                .name("events-dlq");

        String archive = config.get(NudgeConfig.ARCHIVE_DIR);
        if (!archive.isBlank()) {
            valid.sinkTo(Archive.sink(archive))
                    .uid("archive-sink")
                    .name("archive");
        }

        DataStream<PairCounts> itemPairs = profiles(valid);
        associations(itemPairs);
        trending(valid);
    }

    /** Visitors keyed by anonymous id, customers by customer id; returns the item pairs both produce. */
    private DataStream<PairCounts> profiles(DataStream<InteractionEvent> valid) {
        ProfileSettings settings = ProfileSettings.from(config);
        Duration idleTtl = config.get(NudgeConfig.PROFILE_IDLE_TTL);

        SingleOutputStreamOperator<ProfileInput> visitors = valid
                .filter(event -> event.getAnonymousId() != null)
                .returns(new SingleObjectTypeInfo<>(InteractionEvent.class)) // crosses to the visitor task hand-encoded
                .uid("visitor-events")
                .name("visitor events")
                .keyBy(InteractionEvent::getAnonymousId)
                .process(new UpdateVisitor(settings, idleTtl))
                .uid("update-visitor")
                .name("update visitor, stitch identity");

        DataStream<ProfileInput> customerEvents = valid
                .filter(event -> event.getAnonymousId() == null)
                .uid("customer-events")
                .name("customer events")
                .map(ProfileInput::event)
                .uid("customer-input")
                .name("as profile input");

        DataStream<RulesAndOffersChange> rulesAndOffersToAll = valid.getExecutionEnvironment()
                .fromSource(rulesAndOffers, ReferenceData.watermarks(), "rules and offers")
                .uid("catalogue-source")
                .broadcast();

        UpdateCustomer updateCustomer = new UpdateCustomer(settings, idleTtl, config.get(NudgeConfig.JOB_EVENT_TIME_ORDER),
                new Triggers(DeliveryPolicy.from(config), CustomerMetrics.Thresholds.from(config), SegmentEngine::isMember), SegmentEngine.from(config),
                new RulesAndOffers(NextBestOffers.from(config), initialRulesAndOffers));
        // Flink's keyed-broadcast operator, extended to fold consecutive inputs of one customer into one write.
        SingleOutputStreamOperator<ProfileChange> customers = withContactOutcomes(withItemChanges(customerEvents.union(visitors), valid), valid)
                .keyBy(input -> input.customerId)
                .connect(rulesAndOffersToAll)
                .transform("update customer, evaluate triggers", TypeInformation.of(ProfileChange.class), new CustomerOperator(updateCustomer))
                .uid("update-customer");

        customers.getSideOutput(UpdateCustomer.OUTREACH)
                .sinkTo(sinks.outreach())
                .uid("outreach-sink")
                .name("outreach");
        customers.getSideOutput(UpdateCustomer.SEGMENT_CHANGES)
                .sinkTo(sinks.segmentChanges())
                .uid("segment-changes-sink")
                .name("segment-changes");
        customers.getSideOutput(UpdateCustomer.EXPERIMENT_OUTCOMES)
                .union(visitors.getSideOutput(UpdateVisitor.EXPERIMENT_OUTCOMES))
                .sinkTo(sinks.experimentOutcomes())
                .uid("experiment-outcomes-sink")
                .name("experiment-outcomes");

        // One sink behind each operator rather than one behind their union: chained, a profile's bytes go from
        // the operator to the Kafka producer without crossing to another task.
        customers.sinkTo(sinks.profiles())
                .uid("profile-sink")
                .name("profiles");
        visitors.getSideOutput(UpdateVisitor.VISITOR_CHANGES)
                .sinkTo(sinks.profiles())
                .uid("visitor-profile-sink")
                .name("visitor profiles");

        Duration interval = config.get(NudgeConfig.CROSSSELL_PUBLISH_INTERVAL);
        return combined(customers.getSideOutput(UpdateCustomer.ITEM_PAIRS), interval, "combine-customer-pairs")
                .union(combined(visitors.getSideOutput(UpdateVisitor.ITEM_PAIRS), interval, "combine-visitor-pairs"));
    }

    /**
     * The customers' inputs, and when the job follows the catalogue, the changes of items they viewed: customers'
     * views and carts joined with the items by item id ({@link WatchItems}).
     */
    private DataStream<ProfileInput> withItemChanges(DataStream<ProfileInput> customerInputs, DataStream<InteractionEvent> valid) {
        if (items == null) {
            return customerInputs;
        }
        DataStream<Either<InteractionEvent, Item>> interests = valid
                .flatMap((InteractionEvent event, Collector<Either<InteractionEvent, Item>> out) -> {
                    if (WatchItems.showsInterest(event)) {
                        out.collect(Either.Left(event));
                    }
                })
                .returns(WatchItems.INPUT)
                .uid("item-interest")
                .name("views and carts of customers");
        DataStream<Either<InteractionEvent, Item>> changes = valid.getExecutionEnvironment()
                .fromSource(items, ReferenceData.watermarks(), "items")
                .uid("items-source")
                .map(item -> Either.<InteractionEvent, Item>Right(item))
                .returns(WatchItems.INPUT)
                .uid("item-changes")
                .name("item changes");
        BroadcastStream<String> forgotten = valid
                .filter(event -> event.getType() == EventType.FORGET)
                .uid("forgotten-customers")
                .name("forgotten customers")
                .map(InteractionEvent::getCustomerId)
                .uid("forgotten-customer-ids")
                .broadcast(WatchItems.FORGOTTEN);
        DataStream<ProfileInput> itemChanges = interests.union(changes)
                .keyBy(WatchItems::itemOf)
                .connect(forgotten)
                .process(new WatchItems(config.get(NudgeConfig.OUTREACH_ITEM_INTEREST_WITHIN)))
                .returns(ProfileInput.class)
                .uid("watch-items")
                .name("join interest with item changes");
        return customerInputs.union(itemChanges);
    }

    /** The customers' inputs, and when the job follows them, the outcomes of the messages decided for them. */
    private DataStream<ProfileInput> withContactOutcomes(DataStream<ProfileInput> customerInputs, DataStream<InteractionEvent> valid) {
        if (contactOutcomes == null) {
            return customerInputs;
        }
        return customerInputs.union(valid.getExecutionEnvironment()
                .fromSource(contactOutcomes, ReferenceData.watermarks(), "contact outcomes")
                .uid("contact-outcomes-source"));
    }

    /** Pairs counted in the task that finds them, so that few records cross to the learner. */
    private static DataStream<PairCounts> combined(DataStream<ItemPair> pairs, Duration interval, String uid) {
        // Chained (the default for operators), so pairs are counted in the thread that finds them.
        return pairs.transform("count item pairs", TypeInformation.of(PairCounts.class), new CombinePairs(interval)).uid(uid);
    }

    private void associations(DataStream<PairCounts> itemPairs) {
        itemPairs.keyBy(PairCounts::item)
                .process(new LearnAssociations(AssociationLearner.from(config), config.get(NudgeConfig.CROSSSELL_PUBLISH_INTERVAL)))
                .uid("learn-associations")
                .name("learn item associations")
                .sinkTo(sinks.associations())
                .uid("associations-sink")
                .name("associations");
    }

    private void trending(DataStream<InteractionEvent> valid) {
        valid.flatMap((InteractionEvent event, Collector<ScopedEvent> out) -> {
                    if (event.getItemId() != null && PopularItems.weightOf(event.getType()) > 0) {
                        out.collect(new ScopedEvent(ScopedEvent.WHOLE_SHOP, event));
                        if (event.getCategory() != null) {
                            out.collect(new ScopedEvent(event.getCategory(), event));
                        }
                    }
                })
                .returns(ScopedEvent.class)
                .uid("trending-scopes")
                .name("popularity scopes")
                .transform("add up per slide", TypeInformation.of(ScopedEvent.class), new CombineScopes(config.get(NudgeConfig.TRENDING_SLIDE)))
                .uid("trending-sums")
                .keyBy(ScopedEvent::itemKey)
                .process(new CountItem(config.get(NudgeConfig.TRENDING_WINDOW), config.get(NudgeConfig.TRENDING_SLIDE)))
                .uid("trending-item-counts")
                .name("count items per window")
                .keyBy(ItemWindowCount::rankingKey)
                .process(new RankTrending(config.get(NudgeConfig.TRENDING_ITEMS_MAX)))
                .uid("trending-rank")
                .name("rank trending items")
                .sinkTo(sinks.trending())
                .uid("trending-sink")
                .name("trending");
    }

    /** Starts the job on {@code env} and returns at once. */
    public JobClient start(StreamExecutionEnvironment env) throws Exception {
        build(env);
        return env.executeAsync(NAME);
    }

    /**
     * Entry point on a Flink cluster ({@code flink run nudge-job.jar [--config file] [key=value ...]}): the
     * cluster provides the environment, the settings choose topics, parallelism and checkpoint storage.
     */
    public static void main(String[] args) throws Exception {
        NudgeConfig config = JobArguments.config(args, System.getenv());
        StreamExecutionEnvironment env = FlinkEnvironment.create(config);
        onKafka(config).build(env);
        env.execute(NAME);
    }
}
