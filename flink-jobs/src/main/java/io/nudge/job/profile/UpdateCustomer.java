package io.nudge.job.profile;

import io.nudge.crosssell.ItemPair;
import io.nudge.job.triggers.Catalogue;
import io.nudge.job.triggers.CatalogueChange;
import io.nudge.profile.ProfileSettings;
import io.nudge.profile.ProfileUpdater;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.EventType;
import io.nudge.schemas.Offer;
import io.nudge.schemas.OutreachAction;
import io.nudge.schemas.TriggerRule;
import io.nudge.schemas.TriggerState;
import io.nudge.triggers.RuleEngine;
import io.nudge.triggers.Rule;
import io.nudge.triggers.Triggers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by customer id: keeps each customer's profile, emits it after every change for the profiles changelog,
 * and acts on it — the trigger rules (broadcast) are evaluated against every event and every event-time
 * deadline, and their decisions go to the outreach output. A visitor profile handed over by
 * {@link UpdateVisitor} is absorbed. State is Avro records, so savepoints evolve with the schemas' own rules.
 *
 * <p>Inputs reach a customer by two paths (their own events, and what their anonymous visitor hands over), whose
 * interleaving depends on timing and parallelism. Live, each input is applied on arrival, for freshness. In
 * event-time order (replays), inputs wait in state until the watermark passes them and are then applied sorted by
 * time and id, before any deadline at that time: the outputs are the same however the inputs interleaved.
 */
public final class UpdateCustomer extends KeyedBroadcastProcessFunction<String, ProfileInput, CatalogueChange, ProfileChange> {

    public static final OutputTag<ItemPair> ITEM_PAIRS = ProfileKeeper.ITEM_PAIRS;
    public static final OutputTag<OutreachAction> OUTREACH = new OutputTag<>("outreach") {};
    static final ValueStateDescriptor<TriggerState> TRIGGERS =
            new ValueStateDescriptor<>("triggers", new AvroTypeInfo<>(TriggerState.class));
    /** Set once a customer asked to be forgotten: nothing of theirs is kept or acted on again. */
    static final ValueStateDescriptor<Boolean> FORGOTTEN = new ValueStateDescriptor<>("forgotten", Types.BOOLEAN);
    /**
     * In event-time order: inputs waiting for the watermark, with their event time. A list, because RocksDB
     * appends to it without reading it: a whole order's lines arriving at once cost one read, not one per line.
     */
    static final ListStateDescriptor<Tuple2<Long, ProfileInput>> WAITING = new ListStateDescriptor<>("waiting-inputs",
            Types.TUPLE(Types.LONG, TypeInformation.of(ProfileInput.class)));
    private static final Comparator<ProfileInput> SAME_TIME_ORDER = Comparator.comparing(input -> input.event != null
            ? "e:" + input.event.getEventId() : "v:" + input.visitor.getProfileKey() + ":" + input.visitor.getSequence());

    private final ProfileKeeper keeper;
    private final Triggers triggers;
    private final Catalogue catalogue;
    private final boolean eventTimeOrder;
    private transient ListState<Tuple2<Long, ProfileInput>> waiting;
    private transient RecentlyUsedState<CustomerProfile> profiles;
    private transient ValueState<Long> expiryTimer;
    private transient RecentlyUsedState<TriggerState> triggerState;
    private transient ValueState<Boolean> forgotten;

    /** @param eventTimeOrder apply inputs in event-time order once the watermark passes them, instead of on arrival */
    public UpdateCustomer(ProfileSettings settings, Duration idleTtl, boolean eventTimeOrder, Triggers triggers, Catalogue catalogue) {
        this.keeper = new ProfileKeeper(settings, idleTtl);
        this.eventTimeOrder = eventTimeOrder;
        this.triggers = triggers;
        this.catalogue = catalogue;
    }

    @Override
    public void open(OpenContext openContext) {
        profiles = new RecentlyUsedState<>(getRuntimeContext().getState(ProfileKeeper.PROFILE));
        expiryTimer = getRuntimeContext().getState(ProfileKeeper.EXPIRY_TIMER);
        triggerState = new RecentlyUsedState<>(getRuntimeContext().getState(TRIGGERS));
        forgotten = getRuntimeContext().getState(FORGOTTEN);
        waiting = getRuntimeContext().getListState(WAITING);
    }

    @Override
    public void processElement(ProfileInput input, ReadOnlyContext ctx, Collector<ProfileChange> out) throws Exception {
        Long time = ctx.timestamp();
        // An input behind the watermark (out of order by more than its bound) cannot wait for it: applied at once.
        if (eventTimeOrder && time != null && time > ctx.timerService().currentWatermark()) {
            waiting.add(Tuple2.of(time, input));
            ctx.timerService().registerEventTimeTimer(time);
            return;
        }
        apply(input, ctx, out);
    }

    private void apply(ProfileInput input, ReadOnlyContext ctx, Collector<ProfileChange> out) throws Exception {
        if (forgotten.value() != null) {
            return;
        }
        if (input.event != null && input.event.getType() == EventType.FORGET) {
            forget(ctx.getCurrentKey(), out);
            return;
        }
        CustomerProfile before = profiles.get(ctx.getCurrentKey());
        CustomerProfile updated;
        if (input.visitor != null) {
            updated = before == null ? adopt(input.visitor, input.customerId) : keeper.updater().absorb(before, input.visitor);
        } else {
            for (ItemPair pair : keeper.pairs(before, input.event)) {
                ctx.output(ITEM_PAIRS, pair);
            }
            updated = keeper.updater().apply(before, input.event);
        }
        profiles.put(ctx.getCurrentKey(), updated);
        out.collect(ProfileChange.updated(updated));
        keeper.scheduleExpiry(updated, expiryTimer, ctx.timerService());

        if (input.event != null) {
            TriggerState state = triggerState(ctx.getCurrentKey());
            ReadOnlyBroadcastState<String, Offer> offers = ctx.getBroadcastState(Catalogue.OFFERS);
            List<Rule> rules = catalogue.rules(ctx.getBroadcastState(Catalogue.RULES));
            emit(triggers.onEvent(state, updated, input.event, rules, chooser(offers)), state, ctx);
        }
    }

    /**
     * Removes everything held about the customer: profile (and the pointers of their linked anonymous ids, by
     * tombstones in the changelog), trigger progress, deferred messages. Only the fact that they asked stays, so
     * that nothing is rebuilt or sent for them later.
     */
    private void forget(String customerId, Collector<ProfileChange> out) throws Exception {
        CustomerProfile current = profiles.get(customerId);
        out.collect(ProfileChange.deleted(customerId));
        if (current != null) {
            for (String linked : current.getLinkedIds()) {
                out.collect(ProfileChange.deleted(linked));
            }
        }
        profiles.remove(customerId);
        expiryTimer.clear();
        triggerState.remove(customerId);
        waiting.clear();
        forgotten.update(true);
    }

    @Override
    public void processBroadcastElement(CatalogueChange change, Context ctx, Collector<ProfileChange> out) throws Exception {
        Catalogue.apply(change, ctx.getBroadcastState(Catalogue.RULES), ctx.getBroadcastState(Catalogue.OFFERS));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ProfileChange> out) throws Exception {
        if (eventTimeOrder) {
            applyWaiting(timestamp, ctx, out);
        }
        CustomerProfile current = profiles.get(ctx.getCurrentKey());
        if (forgotten.value() != null) {
            return;
        }
        if (keeper.isExpired(current, timestamp, expiryTimer, ctx.timerService())) {
            profiles.remove(ctx.getCurrentKey());
            triggerState.remove(ctx.getCurrentKey());
            out.collect(ProfileChange.deleted(ctx.getCurrentKey()));
            return;
        }
        TriggerState state = triggerState.get(ctx.getCurrentKey());
        // At the end of a bounded input (a replay) event time jumps to its maximum: waits that were still open when
        // the history ended did not run out, so nothing fires for them.
        if (current == null || state == null || ctx.timerService().currentWatermark() == Long.MAX_VALUE) {
            return;
        }
        List<Rule> rules = catalogue.rules(ctx.getBroadcastState(Catalogue.RULES));
        emit(triggers.onTime(state, current, timestamp, rules, chooser(ctx.getBroadcastState(Catalogue.OFFERS))), state, ctx);
    }

    private void applyWaiting(long timestamp, OnTimerContext ctx, Collector<ProfileChange> out) throws Exception {
        List<Tuple2<Long, ProfileInput>> due = new ArrayList<>();
        List<Tuple2<Long, ProfileInput>> later = new ArrayList<>();
        for (Tuple2<Long, ProfileInput> input : waiting.get()) {
            (input.f0 <= timestamp ? due : later).add(input);
        }
        if (due.isEmpty()) {
            return;
        }
        waiting.update(later);
        due.sort(Comparator.<Tuple2<Long, ProfileInput>>comparingLong(input -> input.f0).thenComparing(input -> input.f1, SAME_TIME_ORDER));
        for (Tuple2<Long, ProfileInput> input : due) {
            apply(input.f1, ctx, out);
        }
    }

    private void emit(List<OutreachAction> actions, TriggerState state, ReadOnlyContext ctx) throws Exception {
        for (OutreachAction action : actions) {
            ctx.output(OUTREACH, action);
        }
        triggerState.put(ctx.getCurrentKey(), state);
        Long wakeUp = Triggers.nextWakeUp(state);
        if (wakeUp != null) {
            ctx.timerService().registerEventTimeTimer(wakeUp);
        }
    }

    private Triggers.OfferChooser chooser(ReadOnlyBroadcastState<String, Offer> offers) {
        return (customer, channel) -> {
            try {
                return catalogue.bestOffer(offers, customer, channel, customer.getLastSeen().toEpochMilli());
            } catch (Exception e) {
                throw new IllegalStateException("cannot read the offers broadcast state", e);
            }
        };
    }

    private TriggerState triggerState(String customerId) throws Exception {
        TriggerState state = triggerState.get(customerId);
        return state != null ? state : RuleEngine.newState();
    }

    /** A customer first known through their visitor history: that history becomes their profile. */
    private CustomerProfile adopt(CustomerProfile visitor, String customerId) {
        CustomerProfile fresh = ProfileUpdater.newProfile(customerId, visitor.getFirstSeen());
        return keeper.updater().absorb(fresh, visitor);
    }
}
