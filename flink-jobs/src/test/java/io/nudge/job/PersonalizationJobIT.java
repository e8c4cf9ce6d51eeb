package io.nudge.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nudge.config.NudgeConfig;
import io.nudge.job.events.SourceRecord;
import io.nudge.job.profile.ProfileChange;
import io.nudge.job.triggers.RulesAndOffers;
import io.nudge.job.triggers.RulesAndOffersChange;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.DeadLetter;
import io.nudge.schemas.EventType;
import io.nudge.schemas.InteractionEvent;
import io.nudge.schemas.ItemAssociations;
import io.nudge.schemas.OutreachAction;
import io.nudge.schemas.OutreachStatus;
import io.nudge.schemas.RuleStatus;
import io.nudge.schemas.SegmentDefinition;
import io.nudge.schemas.SegmentMembership;
import io.nudge.schemas.Trending;
import io.nudge.schemas.TriggerRule;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job graph on a Flink MiniCluster (RocksDB, checkpoints), fed from memory and written to collecting sinks,
 * as apache/flink-training tests its jobs: every output a customer's events should lead to, without Kafka.
 */
class PersonalizationJobIT {

    private static final int CUSTOMERS = 12;
    private static final Instant START = Instant.parse("2026-11-28T10:00:00Z");
    /** Four events per customer (a view, a cart, an order of two lines), then one record that is not an event. */
    private static final int RECORDS = CUSTOMERS * 4 + 1;

    /** Slots for the job at parallelism 2 (the slot sharing groups need no more). */
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @TempDir
    Path checkpoints;

    @Test
    void eachCustomersEventsBecomeTheirProfileTheirActionAndTheShopsPairsAndTrends() throws Exception {
        CollectingSink<ProfileChange, CustomerProfile> profiles = new CollectingSink<>("profiles", ProfileChange::profile);
        CollectingSink<ItemAssociations, ItemAssociations> associations = new CollectingSink<>("associations", (ItemAssociations record) -> copy(record));
        CollectingSink<Trending, Trending> trending = new CollectingSink<>("trending", (Trending record) -> copy(record));
        CollectingSink<OutreachAction, OutreachAction> outreach = new CollectingSink<>("outreach", (OutreachAction record) -> copy(record));
        CollectingSink<DeadLetter, DeadLetter> deadLetters = new CollectingSink<>("dead letters", (DeadLetter record) -> copy(record));
        CollectingSink<SegmentMembership, SegmentMembership> segmentChanges = new CollectingSink<>("segment changes",
                (SegmentMembership record) -> copy(record));
        NudgeConfig config = NudgeConfig.defaults()
                .with(NudgeConfig.JOB_PARALLELISM, 2)
                .with(NudgeConfig.JOB_CHECKPOINT_INTERVAL, "500ms")
                .with(NudgeConfig.JOB_CHECKPOINT_DIR, checkpoints.toUri().toString());
        RulesAndOffers.Snapshot rules = new RulesAndOffers.Snapshot(Map.of("cart-tip", cartTip()), Map.of(), Map.of("garden-buyers", gardenBuyers()),
                Map.of(), Set.of());
        PersonalizationJob job = new PersonalizationJob(generated(RECORDS, PersonalizationJobIT::recordAt, SourceRecord.class),
                generated(1, index -> RulesAndOffersChange.rule("cart-tip", cartTip()), RulesAndOffersChange.class),
                rules, null, null, new PersonalizationJob.Sinks(profiles, associations, trending, outreach, segmentChanges, new DiscardingSink<>(), deadLetters),
                config);

        StreamExecutionEnvironment env = FlinkEnvironment.create(config);
        job.build(env);
        env.execute("job graph test");

        Map<String, CustomerProfile> latest = profiles.collected().stream()
                .collect(Collectors.toMap(CustomerProfile::getProfileKey, Function.identity(),
                        (a, b) -> a.getSequence() >= b.getSequence() ? a : b));
        assertEquals(CUSTOMERS, latest.size(), "a profile per customer");
        for (CustomerProfile profile : latest.values()) {
            assertEquals(4, profile.getSequence(), profile.getProfileKey() + " counts each of their four events once");
            assertEquals(1, profile.getPurchaseCount(), "one order of two lines");
            assertEquals(List.of(), profile.getCart(), "the cart is emptied by the purchase");
        }

        List<OutreachAction> sent = outreach.collected().stream().filter(a -> a.getStatus() == OutreachStatus.SEND).toList();
        assertEquals(CUSTOMERS, sent.size(), "the cart rule fired once per cart: " + outreach.collected());
        assertEquals(CUSTOMERS, sent.stream().map(OutreachAction::getCustomerId).distinct().count());
        assertTrue(sent.stream().allMatch(a -> a.getRuleId().equals("cart-tip")));

        List<SegmentMembership> entered = segmentChanges.collected();
        assertEquals(CUSTOMERS, entered.size(), "each customer entered the segment once and never left: " + entered);
        for (SegmentMembership change : entered) {
            assertTrue(change.getEntered() && change.getSegmentId().equals("garden-buyers"), change.toString());
            CustomerProfile profile = latest.get(change.getCustomerId());
            assertEquals(profile.getLastPurchase().getPurchasedAt(), change.getAt(), "at the purchase that made them one");
        }

        ItemAssociations garden = associations.collected().stream().filter(a -> a.getItemId().equals("garden-001"))
                .max(Comparator.comparingLong(ItemAssociations::getSequence)).orElseThrow();
        assertTrue(garden.getNeighbours().containsKey("kitchen-007"), "bought together, so they go together: " + garden);

        assertTrue(trending.collected().stream().anyMatch(t -> t.getScope().equals("*")
                && t.getTopItems().stream().anyMatch(item -> item.getItemId().equals("garden-001"))), "the shop's trending items");

        List<DeadLetter> letters = deadLetters.collected();
        assertEquals(1, letters.size());
        assertEquals(RECORDS - 1, letters.get(0).getSourceOffset(), "the rejected record, by its offset");
    }

    /** Record {@code index} of the events topic, the same on every call: the source makes them where it runs. */
    private static SourceRecord recordAt(long index) {
        if (index == RECORDS - 1) {
            return rejected(index);
        }
        String customer = "shopper-" + index / 4;
        Instant at = START.plusSeconds(index / 4);
        return valid(switch ((int) (index % 4)) {
            case 0 -> event(customer, EventType.PRODUCT_VIEW, "garden-001", "garden", at);
            case 1 -> event(customer, EventType.ADD_TO_CART, "garden-001", "garden", at.plusSeconds(20));
            case 2 -> purchase(customer, "garden-001", at.plusSeconds(40));
            default -> purchase(customer, "kitchen-007", at.plusSeconds(40));
        }, index);
    }

    private static InteractionEvent event(String customer, EventType type, String item, String category, Instant at) {
        return InteractionEvent.newBuilder().setEventId(customer + "-" + type + "-" + item).setCustomerId(customer).setType(type)
                .setEventTime(at).setItemId(item).setCategory(category).setQuantity(type == EventType.ADD_TO_CART ? 1 : null)
                .setPrice(type == EventType.ADD_TO_CART ? 20.0 : null).build();
    }

    private static InteractionEvent purchase(String customer, String item, Instant at) {
        return InteractionEvent.newBuilder().setEventId(customer + "-purchase-" + item).setCustomerId(customer).setType(EventType.PURCHASE)
                .setEventTime(at).setItemId(item).setPrice(20.0).setQuantity(1).setAttributes(Map.of("orderId", customer + "-order")).build();
    }

    private static SourceRecord valid(InteractionEvent event, long offset) {
        SourceRecord record = new SourceRecord();
        record.event = event;
        record.topic = "events";
        record.offset = offset;
        return record;
    }

    private static SourceRecord rejected(long offset) {
        SourceRecord record = new SourceRecord();
        record.deadLetter = DeadLetter.newBuilder().setReason("undecodable: not Avro").setSourceTopic("events").setSourcePartition(0)
                .setSourceOffset(offset).setPayload(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3})).setRejectedAt(START).build();
        record.topic = "events";
        record.offset = offset;
        return record;
    }

    private static TriggerRule cartTip() {
        return TriggerRule.newBuilder().setRuleId("cart-tip").setVersion(1).setStatus(RuleStatus.ACTIVE).setUpdatedAt(START)
                .setDefinition("""
                        {"name": "Tip on every cart", "when": {"kind": "event", "event": {"type": "add_to_cart"}},
                         "then": {"channel": "web", "templateId": "tip"}}
                        """).build();
    }

    private static SegmentDefinition gardenBuyers() {
        return SegmentDefinition.newBuilder().setSegmentId("garden-buyers").setVersion(1).setActive(true).setUpdatedAt(START)
                .setDefinition("""
                        {"name": "Bought something for the garden this week", "profile": {"orders": {"atLeast": 1}},
                         "behaviour": [{"event": {"type": "purchase", "where": {"itemId": "garden-001"}}, "atLeast": 1, "within": "7d"}]}
                        """).build();
    }

    /** A bounded source of {@code count} records, record {@code i} made by {@code recordAt}. */
    private static <T> DataGeneratorSource<T> generated(long count, GeneratorFunction<Long, T> recordAt, Class<T> type) {
        return new DataGeneratorSource<>(recordAt, count, RateLimiterStrategy.noOp(), TypeInformation.of(type));
    }

    /** A record the sink keeps (each sink has a lambda of its own: one shared method reference would cast to one type). */
    private static <R extends SpecificRecord> R copy(R record) {
        return SpecificData.get().deepCopy(record.getSchema(), record);
    }
}
