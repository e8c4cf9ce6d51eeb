package io.nudge.job.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nudge.catalogue.WatchedItemChange;
import io.nudge.job.profile.ProfileInput;
import io.nudge.schemas.Availability;
import io.nudge.schemas.EventType;
import io.nudge.schemas.InteractionEvent;
import io.nudge.schemas.Item;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.Test;

/** The join of customers' views and carts with the catalogue's changes, on RocksDB state, through a restore. */
class WatchItemsTest {

    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final Duration KEEP = Duration.ofDays(30);

    private static Harness harness() throws Exception {
        var harness = new Harness(new CoBroadcastWithKeyedOperator<>(new WatchItems(KEEP), List.of(WatchItems.FORGOTTEN)),
                WatchItems::itemOf, Types.STRING, 1, 1, 0);
        harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        return harness;
    }

    private static final class Harness extends KeyedBroadcastOperatorTestHarness<String, Either<InteractionEvent, Item>, String, ProfileInput> {
        Harness(CoBroadcastWithKeyedOperator<String, Either<InteractionEvent, Item>, String, ProfileInput> operator,
                org.apache.flink.api.java.functions.KeySelector<Either<InteractionEvent, Item>, String> keys,
                org.apache.flink.api.common.typeinfo.TypeInformation<String> keyType, int maxParallelism, int parallelism, int subtask) throws Exception {
            super(operator, keys, keyType, maxParallelism, parallelism, subtask);
        }

        void processElement1(StreamRecord<InteractionEvent> interest) throws Exception {
            processElement(new StreamRecord<>(Either.Left(interest.getValue()), interest.getTimestamp()));
        }

        void processElement2(StreamRecord<Item> item) throws Exception {
            processElement(new StreamRecord<>(Either.Right(item.getValue()), item.getTimestamp()));
        }
    }

    private static StreamRecord<InteractionEvent> interest(String customer, EventType type, String item, Instant at, Double price) {
        return new StreamRecord<>(InteractionEvent.newBuilder().setEventId(customer + type + item + at).setCustomerId(customer).setType(type)
                .setEventTime(at).setItemId(item).setPrice(price).build(), at.toEpochMilli());
    }

    private static StreamRecord<Item> item(String id, double price, Availability availability, Instant at) {
        return new StreamRecord<>(Item.newBuilder().setItemId(id).setTitle("Item " + id).setPrice(price).setCurrency("EUR")
                .setAvailability(availability).setUpdatedAt(at).build(), at.toEpochMilli());
    }

    private static List<ProfileInput> changes(Harness h) {
        List<ProfileInput> out = h.extractOutputValues().stream().sorted(Comparator.comparing(input -> input.customerId)).toList();
        h.getOutput().clear();
        return out;
    }

    @Test
    void aPriceDropReachesTheCustomersWhoSawAHigherPrice() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processBroadcastWatermark(Long.MAX_VALUE);
            h.processElement2(item("kettle", 40, Availability.IN_STOCK, T0));
            h.processElement1(interest("ann", EventType.PRODUCT_VIEW, "kettle", T0.plusSeconds(10), null));
            h.processElement1(interest("bob", EventType.ADD_TO_CART, "kettle", T0.plusSeconds(20), 40.0));
            h.processElement1(interest("cid", EventType.PRODUCT_VIEW, "toaster", T0.plusSeconds(30), 25.0));
            assertEquals(List.of(), changes(h), "no change yet");

            h.processElement2(item("kettle", 30, Availability.IN_STOCK, T0.plusSeconds(60)));
            List<ProfileInput> out = changes(h);
            assertEquals(List.of("ann", "bob"), out.stream().map(input -> input.customerId).toList());
            WatchedItemChange ann = out.get(0).itemChange;
            assertEquals(40.0, ann.seenPrice(), "the price when ann looked, from the catalogue");
            assertEquals(30.0, ann.price());
            assertEquals(25.0, ann.dropPercent(), 1e-9);
            assertEquals("Item kettle", ann.title());
            assertEquals(WatchedItemChange.NEVER, ann.cartedAt());
            assertEquals(T0.plusSeconds(20).toEpochMilli(), out.get(1).itemChange.cartedAt());

            h.processElement1(interest("ann", EventType.PRODUCT_VIEW, "kettle", T0.plusSeconds(70), null));
            h.processElement2(item("kettle", 35, Availability.IN_STOCK, T0.plusSeconds(80)));
            assertEquals(List.of(), changes(h), "a price rise tells no one");
            h.processElement2(item("kettle", 32, Availability.IN_STOCK, T0.plusSeconds(90)));
            assertEquals(List.of("bob"), changes(h).stream().map(input -> input.customerId).toList(),
                    "ann last saw 30, below the new price; bob saw 40");
        }
    }

    @Test
    void aRestockReachesEveryoneWhoLookedAndOldInterestIsForgotten() throws Exception {
        OperatorSubtaskState saved;
        try (var h = harness()) {
            h.open();
            h.processBroadcastWatermark(Long.MAX_VALUE);
            h.processElement2(item("lamp", 50, Availability.IN_STOCK, T0));
            h.processElement1(interest("ann", EventType.PRODUCT_VIEW, "lamp", T0, 50.0));
            h.processElement2(item("lamp", 50, Availability.OUT_OF_STOCK, T0.plusSeconds(60)));
            h.processElement1(interest("bob", EventType.PRODUCT_VIEW, "lamp", T0.plus(Duration.ofDays(20)), 50.0));
            h.processWatermark(T0.plus(KEEP).plus(Duration.ofHours(2)).toEpochMilli());
            saved = h.snapshot(1, 1);
        }
        try (var h = harness()) {
            h.initializeState(saved);
            h.open();
            h.processBroadcastWatermark(Long.MAX_VALUE);
            h.processBroadcastWatermark(Long.MAX_VALUE);
            h.processElement2(item("lamp", 50, Availability.IN_STOCK, T0.plus(KEEP).plus(Duration.ofHours(3))));
            List<ProfileInput> out = changes(h);
            assertEquals(List.of("bob"), out.stream().map(input -> input.customerId).toList(), "ann's view is older than 30 days: forgotten");
            assertTrue(out.get(0).itemChange.backInStock());
            assertEquals(50.0, out.get(0).itemChange.seenPrice(), "kept through the restore");
        }
    }

    @Test
    void aForgottenCustomersInterestsGoFromEveryItemAndTheirLaterViewsAreNotKept() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processBroadcastWatermark(Long.MAX_VALUE);
            for (String item : List.of("kettle", "lamp")) {
                h.processElement2(item(item, 40, Availability.IN_STOCK, T0));
                h.processElement1(interest("ann", EventType.PRODUCT_VIEW, item, T0.plusSeconds(10), 40.0));
                h.processElement1(interest("bob", EventType.ADD_TO_CART, item, T0.plusSeconds(10), 40.0));
            }
            h.processBroadcastElement(new StreamRecord<>("ann", T0.plusSeconds(20).toEpochMilli()));
            h.processElement1(interest("ann", EventType.PRODUCT_VIEW, "kettle", T0.plusSeconds(30), 40.0));

            h.processElement2(item("kettle", 20, Availability.IN_STOCK, T0.plusSeconds(60)));
            h.processElement2(item("lamp", 20, Availability.IN_STOCK, T0.plusSeconds(60)));
            assertEquals(List.of("bob", "bob"), changes(h).stream().map(input -> input.customerId).toList(), "nothing kept of ann");
        }
    }
}
