package io.nudge.job.profile;

import io.nudge.crosssell.ItemPair;
import io.nudge.profile.ProfileSettings;
import io.nudge.experiments.ExperimentLedger;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.ExperimentOutcome;
import io.nudge.schemas.InteractionEvent;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by anonymous id: keeps the profile of a visitor who has not logged in, and stitches identities.
 *
 * <p>When an event names both the anonymous id and a customer id (an identify event, or any event sent after
 * login), the visitor's profile is handed to the customer once ({@link ProfileInput#visitor}), the visitor's
 * changelog record becomes a pointer to the customer ({@code mergedInto}), and from then on every event under
 * the anonymous id is forwarded to the customer's profile.
 */
public final class UpdateVisitor extends KeyedProcessFunction<String, InteractionEvent, ProfileInput> {

    /** The visitor's changelog records; the customers' come out of {@link UpdateCustomer}. */
    public static final OutputTag<ProfileChange> VISITOR_CHANGES = new OutputTag<>("visitor-changes") {};
    public static final OutputTag<ItemPair> ITEM_PAIRS = ProfileKeeper.ITEM_PAIRS;
    public static final OutputTag<ExperimentOutcome> EXPERIMENT_OUTCOMES = ProfileKeeper.EXPERIMENT_OUTCOMES;
    static final ValueStateDescriptor<String> CUSTOMER_ID = new ValueStateDescriptor<>("customer-id", Types.STRING);
    /** The ids of the visitor's recent events ({@link io.nudge.events.RecentEventIds}), so that one sent again is applied once. */
    static final ValueStateDescriptor<byte[]> RECENT_EVENTS = new ValueStateDescriptor<>("recent-event-ids", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);

    private final ProfileKeeper keeper;
    private transient RecentlyUsedState<CustomerProfile> profiles;
    private transient ValueState<String> customerId;
    private transient ValueState<Long> expiryTimer;
    private transient ValueState<byte[]> recentEvents;
    private transient Counter duplicates;

    public UpdateVisitor(ProfileSettings settings, Duration idleTtl) {
        this.keeper = new ProfileKeeper(settings, idleTtl);
    }

    @Override
    public void open(OpenContext openContext) {
        profiles = new RecentlyUsedState<>(getRuntimeContext().getState(ProfileKeeper.PROFILE));
        customerId = getRuntimeContext().getState(CUSTOMER_ID);
        expiryTimer = getRuntimeContext().getState(ProfileKeeper.EXPIRY_TIMER);
        recentEvents = getRuntimeContext().getState(RECENT_EVENTS);
        duplicates = getRuntimeContext().getMetricGroup().counter("duplicateEvents");
    }

    @Override
    public void processElement(InteractionEvent event, Context ctx, Collector<ProfileInput> out) throws Exception {
        byte[] recent = keeper.recordOnce(recentEvents.value(), event);
        if (recent == null) {
            duplicates.inc();
            return;
        }
        recentEvents.update(recent);
        String linkedCustomer = customerId.value();
        if (event.getCustomerId() != null && linkedCustomer == null) {
            link(event.getCustomerId(), ctx, out);
            linkedCustomer = event.getCustomerId();
        }
        if (linkedCustomer != null) {
            if (event.getCustomerId() == null) {
                event.setCustomerId(linkedCustomer);
            }
            out.collect(ProfileInput.event(event));
            return;
        }
        CustomerProfile before = profiles.get(ctx.getCurrentKey());
        for (ItemPair pair : keeper.pairs(before, event)) {
            ctx.output(ITEM_PAIRS, pair);
        }
        CustomerProfile updated = keeper.updater().apply(before, event);
        if (before == null) {
            updated.setIdentified(false);
        }
        for (ExperimentOutcome outcome : ExperimentLedger.onEvent(updated, event)) {
            ctx.output(EXPERIMENT_OUTCOMES, outcome);
        }
        profiles.put(ctx.getCurrentKey(), updated);
        ctx.output(VISITOR_CHANGES, ProfileChange.updated(updated));
        keeper.scheduleExpiry(updated, expiryTimer, ctx.timerService());
    }

    /** Hands the visitor's profile to the customer and leaves a pointer in the changelog. */
    private void link(String customer, Context ctx, Collector<ProfileInput> out) throws Exception {
        customerId.update(customer);
        CustomerProfile visitor = profiles.get(ctx.getCurrentKey());
        if (visitor != null) {
            out.collect(ProfileInput.visitor(customer, visitor));
            CustomerProfile pointer = CustomerProfile.newBuilder(visitor)
                    .setSequence(visitor.getSequence() + 1)
                    .setMergedInto(customer)
                    .build();
            ctx.output(VISITOR_CHANGES, ProfileChange.updated(pointer));
            profiles.remove(ctx.getCurrentKey());
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ProfileInput> out) throws Exception {
        if (keeper.isExpired(profiles.get(ctx.getCurrentKey()), timestamp, expiryTimer, ctx.timerService())) {
            profiles.remove(ctx.getCurrentKey());
            recentEvents.clear();
            ctx.output(VISITOR_CHANGES, ProfileChange.deleted(ctx.getCurrentKey()));
        }
    }
}
