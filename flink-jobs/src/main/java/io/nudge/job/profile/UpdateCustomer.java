package io.nudge.job.profile;

import io.nudge.crosssell.ItemPair;
import io.nudge.job.StateLayout;
import io.nudge.job.triggers.RulesAndOffers;
import io.nudge.job.triggers.RulesAndOffersChange;
import io.nudge.profile.ProfileSettings;
import io.nudge.profile.ProfileUpdater;
import io.nudge.experiments.ExperimentLedger;
import io.nudge.experiments.ExperimentSplit;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.ExperimentOutcome;
import io.nudge.schemas.EventType;
import io.nudge.schemas.Offer;
import io.nudge.schemas.OutreachAction;
import io.nudge.schemas.SegmentMembership;
import io.nudge.schemas.TriggerState;
import io.nudge.segments.Segment;
import io.nudge.segments.SegmentChange;
import io.nudge.segments.SegmentEngine;
import io.nudge.triggers.ContactHistory;
import io.nudge.triggers.RuleEngine;
import io.nudge.triggers.Rule;
import io.nudge.triggers.Triggers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by customer id: keeps each customer's profile, emits it after every change for the profiles changelog,
 * and acts on it — the trigger rules (broadcast) are evaluated against every event, every event-time deadline and
 * every change of an item the customer showed interest in ({@code WatchItems}), and their decisions go to the
 * outreach output. A visitor profile handed over by
 * {@link UpdateVisitor} is absorbed. Everything kept per customer is one {@link CustomerState}, read at most once
 * per input (recently used customers stay decoded on the heap) and written once; its records are Avro-encoded, so
 * savepoints evolve with the schemas' own rules, and state of the earlier layout moves into it on first use.
 *
 * <p>Inputs reach a customer by two paths (their own events, and what their anonymous visitor hands over), whose
 * interleaving depends on timing and parallelism. Live, each input is applied on arrival, for freshness. In
 * event-time order (replays), inputs wait in state until the watermark passes the end of their slot of event time
 * ({@link #EVENT_TIME_BATCH_MILLIS}) and are then applied sorted by time and id, before any deadline at or after
 * their time: the outputs are the same however the inputs interleaved.
 */
public final class UpdateCustomer extends KeyedBroadcastProcessFunction<String, ProfileInput, RulesAndOffersChange, ProfileChange>
        implements CheckpointedFunction {

    public static final OutputTag<ItemPair> ITEM_PAIRS = ProfileKeeper.ITEM_PAIRS;
    public static final OutputTag<OutreachAction> OUTREACH = new OutputTag<>("outreach") {};
    public static final OutputTag<SegmentMembership> SEGMENT_CHANGES = new OutputTag<>("segment-changes") {};
    public static final OutputTag<ExperimentOutcome> EXPERIMENT_OUTCOMES = ProfileKeeper.EXPERIMENT_OUTCOMES;
    /** Everything kept per customer, in one value. */
    static final ValueStateDescriptor<CustomerState> CUSTOMER = new ValueStateDescriptor<>("customer", CustomerState.Serializer.INSTANCE);
    /**
     * In event-time order: inputs waiting for the watermark, with their event time. A list, because RocksDB
     * appends to it without reading it: a whole order's lines arriving at once cost one read, not one per line.
     */
    static final ListStateDescriptor<Tuple2<Long, ProfileInput>> WAITING = new ListStateDescriptor<>("waiting-inputs",
            Types.TUPLE(Types.LONG, TypeInformation.of(ProfileInput.class)));
    /**
     * In event-time order, waiting inputs are applied together at the end of their slot of this much event time
     * (or sooner, at any timer of the customer's that event time reaches first, so deadlines still come after the
     * inputs before them): a replay then encodes and writes a customer once per slot of their activity rather than
     * once per input, and which inputs share a write depends on their times alone, so the output does not depend on
     * arrival or parallelism.
     */
    static final long EVENT_TIME_BATCH_MILLIS = 10_000;
    private static final Comparator<ProfileInput> SAME_TIME_ORDER = Comparator.comparing(input -> input.event != null ? "e:" + input.event.getEventId()
            : input.visitor != null ? "v:" + input.visitor.getProfileKey() + ":" + input.visitor.getSequence() : "i:" + input.itemChange.itemId());

    private final ProfileKeeper keeper;
    private final Triggers triggers;
    private final SegmentEngine segmentEngine;
    private final RulesAndOffers rulesAndOffers;
    private final boolean eventTimeOrder;
    private transient ListState<Tuple2<Long, ProfileInput>> waiting;
    private transient HeldCustomers customers;
    private transient boolean earlierLayout;
    private transient boolean foldsConsecutiveInputs;
    private transient String unwritten;
    private transient Counter duplicates;

    /** @param eventTimeOrder apply inputs in event-time order once the watermark passes them, instead of on arrival */
    public UpdateCustomer(ProfileSettings settings, Duration idleTtl, boolean eventTimeOrder, Triggers triggers, SegmentEngine segmentEngine,
                          RulesAndOffers rulesAndOffers) {
        this.keeper = new ProfileKeeper(settings, idleTtl);
        this.eventTimeOrder = eventTimeOrder;
        this.triggers = triggers;
        this.segmentEngine = segmentEngine;
        this.rulesAndOffers = rulesAndOffers;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        earlierLayout = StateLayout.mayHoldEarlierLayout(context, "customer");
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        // Nothing but keyed state, written through on every change.
    }

    @Override
    public void open(OpenContext openContext) {
        HeldCustomers.Fallback fallback = earlierLayout ? new EarlierCustomerLayout(getRuntimeContext()) : () -> null;
        customers = new HeldCustomers(getRuntimeContext().getState(CUSTOMER), fallback);
        waiting = getRuntimeContext().getListState(WAITING);
        duplicates = getRuntimeContext().getMetricGroup().counter("duplicateEvents");
    }

    @Override
    public void processElement(ProfileInput input, ReadOnlyContext ctx, Collector<ProfileChange> out) throws Exception {
        Long time = ctx.timestamp();
        long watermark = ctx.timerService().currentWatermark();
        if (eventTimeOrder && time != null && time > watermark) {
            waiting.add(Tuple2.of(time, input));
            ctx.timerService().registerEventTimeTimer(batchEnd(time));
            return;
        }
        String key = ctx.getCurrentKey();
        HeldCustomers.Held customer = customers.get(key);
        // An input behind the watermark (out of order by more than its bound) cannot wait for it: applied at once,
        // after the waiting inputs that event time has already passed.
        boolean changed = eventTimeOrder && applyWaiting(customer, watermark, ctx, out);
        if (apply(customer, input, ctx, out) || changed) {
            if (foldsConsecutiveInputs && !eventTimeOrder) {
                unwritten = key; // written when an input of another customer comes, or sooner (see CustomerOperator)
            } else {
                write(key, customer, out);
            }
        }
    }

    /**
     * Set by {@link CustomerOperator}: consecutive inputs of one customer are applied one by one (their triggers
     * evaluated input by input) but the customer is encoded and written once, when the operator says so. Not in
     * event-time order, where outputs must not depend on how inputs happened to arrive.
     */
    void foldConsecutiveInputs() {
        this.foldsConsecutiveInputs = true;
    }

    /** The customer whose changes are applied but not yet written, or null. */
    String unwritten() {
        return unwritten;
    }

    /** Writes the {@link #unwritten} customer, who must be the current key. */
    void writeUnwritten(Collector<ProfileChange> out) throws Exception {
        String key = unwritten;
        write(key, customers.get(key), out);
    }

    private void write(String key, HeldCustomers.Held customer, Collector<ProfileChange> out) throws Exception {
        customers.write(customer, out);
        if (key.equals(unwritten)) {
            unwritten = null;
        }
    }

    /** Applies one input to the customer as held; returns whether it changed (and needs writing). */
    private boolean apply(HeldCustomers.Held customer, ProfileInput input, ReadOnlyContext ctx, Collector<ProfileChange> out) throws Exception {
        String key = ctx.getCurrentKey();
        if (customer.stored().forgotten()) {
            return false;
        }
        if (input.event != null && input.event.getType() == EventType.FORGET) {
            forget(customer, key, out);
            return true;
        }
        if (input.event != null) {
            byte[] recent = keeper.recordOnce(customer.stored().recentEvents(), input.event);
            if (recent == null) {
                duplicates.inc();
                return false;
            }
            customer.changeStored(customer.stored().withRecentEvents(recent));
        }
        CustomerProfile before = customer.profile();
        if (input.contactOutcome != null) {
            if (before == null || !ContactHistory.recordOutcome(before, input.contactOutcome)) {
                return false; // no profile, or nothing new about the message
            }
            nextVersion(customer, before);
            return true;
        }
        if (input.itemChange != null) {
            if (before == null) {
                return false; // a customer known only by their interest in items has no profile to act on
            }
            TriggerState state = customer.triggers() != null ? customer.triggers() : RuleEngine.newState();
            List<Rule> rules = rulesAndOffers.rules(ctx.getBroadcastState(RulesAndOffers.RULES));
            List<ExperimentOutcome> exposures = new ArrayList<>(0);
            List<OutreachAction> actions = triggers.onItemChange(state, before, input.itemChange, rules, chooser(ctx.getBroadcastState(RulesAndOffers.OFFERS), state),
                    split(ctx, exposures));
            emit(actions, List.of(), exposures, state, customer, ctx);
            if (!actions.isEmpty() || !exposures.isEmpty()) {
                nextVersion(customer, before); // the decisions are in its contact history
            }
            return true;
        }
        CustomerProfile updated;
        if (input.visitor != null) {
            updated = before == null ? adopt(input.visitor, input.customerId) : keeper.updater().absorb(before, input.visitor);
        } else {
            for (ItemPair pair : keeper.pairs(before, input.event)) {
                ctx.output(ITEM_PAIRS, pair);
            }
            updated = keeper.updater().apply(before, input.event);
        }
        if (!Boolean.TRUE.equals(updated.getIdentified())) {
            updated.setIdentified(true);
        }
        customer.changeProfile(updated);
        if (customer.stored().expiryTimer() == CustomerState.NONE) {
            long expiry = keeper.expiryOf(updated);
            ctx.timerService().registerEventTimeTimer(expiry);
            customer.changeStored(customer.stored().withExpiryTimer(expiry));
        }
        if (input.event != null) {
            TriggerState state = customer.triggers() != null ? customer.triggers() : RuleEngine.newState();
            ReadOnlyBroadcastState<String, Offer> offers = ctx.getBroadcastState(RulesAndOffers.OFFERS);
            List<Rule> rules = rulesAndOffers.rules(ctx.getBroadcastState(RulesAndOffers.RULES));
            // Segments first, so that a rule for a segment's members sees the membership this event made.
            List<Segment> segments = rulesAndOffers.segments(ctx.getBroadcastState(RulesAndOffers.SEGMENTS));
            List<SegmentChange> changes = segments.isEmpty() && !SegmentEngine.isInAny(state) ? List.of()
                    : segmentChanges(SegmentEngine.retain(state, segments, input.event.getEventTime().toEpochMilli()),
                            segmentEngine.onEvent(state, segments, updated, input.event));
            List<ExperimentOutcome> outcomes = ExperimentLedger.onEvent(updated, input.event);
            outcomes = outcomes.isEmpty() ? new ArrayList<>(0) : new ArrayList<>(outcomes);
            List<OutreachAction> actions = triggers.onEvent(state, updated, input.event, rules, chooser(offers, state), split(ctx, outcomes));
            emit(actions, changes, outcomes, state, customer, ctx);
        }
        return true;
    }

    /**
     * Removes everything held about the customer: profile (and the pointers of their linked anonymous ids, by
     * tombstones in the changelog), trigger progress, deferred messages, waiting inputs. Only the fact that they
     * asked stays, so that nothing is rebuilt or sent for them later.
     */
    private void forget(HeldCustomers.Held customer, String customerId, Collector<ProfileChange> out) throws Exception {
        CustomerProfile current = customer.profile();
        out.collect(ProfileChange.deleted(customerId));
        if (current != null) {
            for (String linked : current.getLinkedIds()) {
                out.collect(ProfileChange.deleted(linked));
            }
        }
        waiting.clear();
        customer.reset(CustomerState.FORGOTTEN);
    }

    @Override
    public void processBroadcastElement(RulesAndOffersChange change, Context ctx, Collector<ProfileChange> out) throws Exception {
        rulesAndOffers.apply(change, ctx.getBroadcastState(RulesAndOffers.RULES), ctx.getBroadcastState(RulesAndOffers.OFFERS),
                ctx.getBroadcastState(RulesAndOffers.SEGMENTS), ctx.getBroadcastState(RulesAndOffers.EXPERIMENTS));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ProfileChange> out) throws Exception {
        String key = ctx.getCurrentKey();
        HeldCustomers.Held customer = customers.get(key);
        boolean changed = eventTimeOrder && applyWaiting(customer, timestamp, ctx, out);
        if (!customer.stored().forgotten()) {
            // At the end of a bounded input (a replay) event time jumps to its maximum: running out of history is
            // not a customer going quiet, and waits that were still open when the history ended did not run out.
            boolean endOfInput = ctx.timerService().currentWatermark() == Long.MAX_VALUE;
            CustomerProfile current = customer.profile();
            long expiryTimer = customer.stored().expiryTimer();
            if (expiryTimer != CustomerState.NONE && timestamp >= expiryTimer) {
                long expiry = current == null || endOfInput ? CustomerState.NONE : keeper.expiryOf(current);
                if (expiry != CustomerState.NONE && expiry <= timestamp) {
                    customers.clear(key);
                    if (key.equals(unwritten)) {
                        unwritten = null;
                    }
                    out.collect(ProfileChange.deleted(key));
                    return;
                }
                if (expiry != CustomerState.NONE) {
                    ctx.timerService().registerEventTimeTimer(expiry); // the customer was active since: expires later
                }
                customer.changeStored(customer.stored().withExpiryTimer(expiry));
                changed = true;
            }
            TriggerState state = customer.triggers();
            if (current != null && state != null && !endOfInput && Triggers.isDue(state, timestamp)) {
                List<Rule> rules = rulesAndOffers.rules(ctx.getBroadcastState(RulesAndOffers.RULES));
                List<Segment> segments = rulesAndOffers.segments(ctx.getBroadcastState(RulesAndOffers.SEGMENTS));
                List<SegmentChange> changes = segments.isEmpty() ? List.of() : segmentEngine.onTime(state, segments, current, timestamp);
                List<ExperimentOutcome> exposures = new ArrayList<>(0);
                List<OutreachAction> actions = triggers.onTime(state, current, timestamp, rules, chooser(ctx.getBroadcastState(RulesAndOffers.OFFERS), state),
                        split(ctx, exposures));
                emit(actions, changes, exposures, state, customer, ctx);
                if (!actions.isEmpty() || !exposures.isEmpty()) {
                    nextVersion(customer, current); // the decisions are in its contact history
                }
                changed = true;
            }
        }
        if (changed) {
            write(key, customer, out);
        }
    }

    /** The end of the slot of event time in which inputs at {@code time} are applied (its last millisecond). */
    static long batchEnd(long time) {
        return time - Math.floorMod(time, EVENT_TIME_BATCH_MILLIS) + EVENT_TIME_BATCH_MILLIS - 1;
    }

    /** Applies the waiting inputs due at {@code timestamp}, in order; returns whether any was applied. */
    private boolean applyWaiting(HeldCustomers.Held customer, long timestamp, ReadOnlyContext ctx, Collector<ProfileChange> out) throws Exception {
        List<Tuple2<Long, ProfileInput>> due = new ArrayList<>();
        List<Tuple2<Long, ProfileInput>> later = new ArrayList<>();
        for (Tuple2<Long, ProfileInput> input : waiting.get()) {
            (input.f0 <= timestamp ? due : later).add(input);
        }
        if (due.isEmpty()) {
            return false;
        }
        waiting.update(later);
        due.sort(Comparator.<Tuple2<Long, ProfileInput>>comparingLong(input -> input.f0).thenComparing(input -> input.f1, SAME_TIME_ORDER));
        boolean changed = false;
        for (Tuple2<Long, ProfileInput> input : due) {
            changed |= apply(customer, input.f1, ctx, out);
        }
        return changed;
    }

    /**
     * Sends the actions, segment changes and experiment outcomes on and keeps the trigger progress; a wake-up timer is registered only when
     * its time is new.
     */
    private void emit(List<OutreachAction> actions, List<SegmentChange> changes, List<ExperimentOutcome> outcomes, TriggerState state,
                      HeldCustomers.Held customer, ReadOnlyContext ctx) {
        for (OutreachAction action : actions) {
            ctx.output(OUTREACH, action);
        }
        for (ExperimentOutcome outcome : outcomes) {
            ctx.output(EXPERIMENT_OUTCOMES, outcome);
        }
        for (SegmentChange change : changes) {
            ctx.output(SEGMENT_CHANGES, new SegmentMembership(ctx.getCurrentKey(), change.segmentId(), change.segmentVersion(), change.entered(),
                    Instant.ofEpochMilli(change.at()), change.reason()));
        }
        customer.changeTriggers(state);
        Long wakeUp = Triggers.nextWakeUp(state);
        long at = wakeUp == null ? CustomerState.NONE : wakeUp;
        if (at != CustomerState.NONE && at != customer.stored().wakeUpTimer()) {
            ctx.timerService().registerEventTimeTimer(at);
        }
        customer.changeStored(customer.stored().withWakeUpTimer(at));
    }

    private static List<SegmentChange> segmentChanges(List<SegmentChange> left, List<SegmentChange> changed) {
        if (left.isEmpty()) {
            return changed;
        }
        List<SegmentChange> all = new ArrayList<>(left);
        all.addAll(changed);
        return all;
    }

    /** Which rules under experiment go to the customer; their first exposures are added to {@code exposures}. */
    private Triggers.Split split(ReadOnlyContext ctx, List<ExperimentOutcome> exposures) throws Exception {
        ExperimentSplit split = rulesAndOffers.split(ctx.getBroadcastState(RulesAndOffers.EXPERIMENTS));
        return split.isEmpty() ? Triggers.Split.NONE : (profile, rule, at) -> split.gives(profile, rule.ruleId(), at, exposures);
    }

    /** The offer to attach, chosen with the customer's segment memberships as their trigger state holds them. */
    private Triggers.OfferChooser chooser(ReadOnlyBroadcastState<String, Offer> offers, TriggerState state) {
        return (customer, channel) -> {
            try {
                return rulesAndOffers.bestOffer(offers, customer, channel, customer.getLastSeen().toEpochMilli(),
                        (segmentId, customerId) -> SegmentEngine.isMember(state, segmentId));
            } catch (Exception e) {
                throw new IllegalStateException("cannot read the offers broadcast state", e);
            }
        };
    }

    /** {@code profile}, changed in place by something other than an event, as the customer's next version. */
    private static void nextVersion(HeldCustomers.Held customer, CustomerProfile profile) {
        profile.setSequence(profile.getSequence() + 1);
        customer.changeProfile(profile);
    }

    /** A customer first known through their visitor history: that history becomes their profile. */
    private CustomerProfile adopt(CustomerProfile visitor, String customerId) {
        CustomerProfile fresh = ProfileUpdater.newProfile(customerId, visitor.getFirstSeen());
        return keeper.updater().absorb(fresh, visitor);
    }
}
