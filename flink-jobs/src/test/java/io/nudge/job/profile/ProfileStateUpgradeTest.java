package io.nudge.job.profile;

import static io.nudge.job.profile.UpdateCustomerTest.harness;
import static io.nudge.job.profile.UpdateCustomerTest.profiles;
import static io.nudge.job.profile.UpdateCustomerTest.view;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nudge.schemas.CustomerProfile;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.Test;

/**
 * An upgrade through a savepoint whose state schema differs from the running code's: the customer operator of
 * today restores profile state written by the first release, whose {@code CustomerProfile} was schema v1 (twelve
 * fields; v2 added item affinity, orders, sessions, offer history, consent, time zone and linked ids).
 *
 * <p>The fixture {@code state/profile-state-v1.snapshot} is that release's operator state (commit 5d585f3,
 * {@code UpdateProfile} in a keyed harness on RocksDB, written with Flink's {@link OperatorSnapshotUtil}) after
 * views and carts by alice, bob and carol and a purchase by alice. Flink's Avro serializer snapshot holds the
 * writer schema, so restoring migrates every value from v1 to the current schema.
 *
 * <p>The fixture {@code state/customer-state-v2.snapshot} is the customer operator of the release that kept four
 * keyed states per customer (profile and trigger progress as Avro objects, a forgotten flag, an expiry timer),
 * before they became one {@link CustomerState}: ann has consented to email and left a cart (a pending 30-minute
 * abandonment wait), bob viewed two items, eve asked to be forgotten. When a release changes a state layout or
 * schema again, keep these fixtures and add one written by the release before the change.
 */
class ProfileStateUpgradeTest {

    private static final Instant AFTER_UPGRADE = Instant.parse("2026-11-21T09:00:00Z");

    private static final Instant V2_T0 = Instant.parse("2026-11-20T10:00:00Z");

    @Test
    void stateKeptInSeparateValuesByTheEarlierReleaseCarriesOnAsOneRecord() throws Exception {
        try (var h = harness()) {
            h.initializeState(fixture("customer-state-v2"));
            UpdateCustomerTest.open(h);
            h.processBroadcastElement(TriggerEvaluationTest.rule("cart", 1, TriggerEvaluationTest.CART_ABANDONED.formatted("30m")), 0);
            h.processElement(view("bob", "teapot", "kitchen", V2_T0.plusSeconds(60)));
            h.processElement(view("eve", "hose", "garden", V2_T0.plusSeconds(60)));

            h.processWatermark(V2_T0.plus(java.time.Duration.ofMinutes(30)).toEpochMilli());

            List<io.nudge.schemas.OutreachAction> actions = TriggerEvaluationTest.outreach(h);
            assertEquals(List.of("ann"), actions.stream().map(io.nudge.schemas.OutreachAction::getCustomerId).toList(),
                    "the wait pending before the upgrade fires on time, once");
            assertEquals(io.nudge.schemas.OutreachStatus.SEND, actions.get(0).getStatus(), "with the consent given before the upgrade");
            List<CustomerProfile> out = profiles(h);
            assertEquals(List.of("bob", "ann"), out.stream().map(CustomerProfile::getProfileKey).toList(),
                    "nothing is rebuilt for eve; ann's profile now records the message sent to her");
            assertEquals(io.nudge.schemas.ContactStatus.SENT, out.get(1).getContactHistory().get(0).getStatus());
            assertEquals(actions.get(0).getActionId(), out.get(1).getContactHistory().get(0).getActionId());
            assertEquals(3, out.get(0).getSequence(), "two views before the upgrade, one after");
            assertEquals(List.of("teapot", "kettle", "mug"), out.get(0).getRecentlyViewed().stream().map(v -> v.getItemId()).toList());

            // Moved into the new layout: a snapshot now and a restore of it keep everything.
            OperatorSubtaskState moved = h.snapshot(2, 2);
            try (var again = harness()) {
                again.initializeState(moved);
                UpdateCustomerTest.open(again);
                again.processElement(view("bob", "cup", "kitchen", V2_T0.plusSeconds(120)));
                again.processElement(view("ann", "lamp", "lighting", V2_T0.plusSeconds(120)));
                List<CustomerProfile> later = profiles(again);
                assertEquals(4, later.get(0).getSequence());
                assertEquals("ann", later.get(1).getProfileKey());
                assertTrue(later.get(1).getSequence() > 2, "ann's history carried on: " + later.get(1).getSequence());
            }
        }
    }

    private OperatorSubtaskState fixture(String name) throws Exception {
        return OperatorSnapshotUtil.readStateHandle(
                Objects.requireNonNull(getClass().getResource("/state/" + name + ".snapshot"), "fixture missing").getPath());
    }

    @Test
    void everyProfileWrittenWithSchemaV1SurvivesTheUpgradeAndKeepsGrowing() throws Exception {
        OperatorSubtaskState v1 = fixture("profile-state-v1");
        try (var h = harness()) {
            h.initializeState(v1);
            UpdateCustomerTest.open(h);
            for (String customer : List.of("alice", "bob", "carol")) {
                h.processElement(view(customer, customer + "-item-3", "toys", AFTER_UPGRADE));
            }

            Map<String, CustomerProfile> upgraded = profiles(h).stream()
                    .collect(Collectors.toMap(p -> p.getProfileKey().toString(), Function.identity()));
            assertEquals(List.of("alice", "bob", "carol"), upgraded.keySet().stream().sorted().toList(), "no customer lost");

            CustomerProfile alice = upgraded.get("alice");
            assertEquals(5, alice.getSequence(), "four v1 updates, then this one");
            assertEquals(Instant.parse("2026-11-20T10:00:00Z"), alice.getFirstSeen());
            assertEquals(1, alice.getPurchaseCount());
            assertEquals(25.0, alice.getTotalSpend(), 1e-9);
            assertEquals(Map.of("PRODUCT_VIEW", 3L, "ADD_TO_CART", 1L, "PURCHASE", 1L), Map.copyOf(alice.getEventCounts()));
            assertEquals(List.of("alice-item-3", "alice-item-2", "alice-item-1"),
                    alice.getRecentlyViewed().stream().map(v -> v.getItemId().toString()).toList());
            assertTrue(alice.getCategoryAffinity().get("kitchen") > alice.getCategoryAffinity().get("garden"),
                    "v1 affinities carry over and decay on: " + alice.getCategoryAffinity());

            CustomerProfile bob = upgraded.get("bob");
            assertEquals(4, bob.getSequence());
            assertEquals(List.of("bob-item-2"), bob.getCart().stream().map(line -> line.getItemId().toString()).toList());
            assertEquals(2, bob.getCart().get(0).getQuantity());
            assertEquals(List.of(), bob.getLinkedIds(), "fields new in v2 start from their defaults");
        }
    }
}
