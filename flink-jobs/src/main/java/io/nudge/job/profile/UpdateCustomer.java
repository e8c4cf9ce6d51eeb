package io.nudge.job.profile;

import io.nudge.crosssell.ItemPair;
import io.nudge.profile.ProfileSettings;
import io.nudge.profile.ProfileUpdater;
import io.nudge.schemas.CustomerProfile;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by customer id: keeps each customer's profile and emits it after every change, for the profiles
 * changelog. A visitor profile handed over by {@link UpdateVisitor} is absorbed into it. State is the Avro
 * record itself, so savepoints evolve with the schema's own compatibility rules.
 */
public final class UpdateCustomer extends KeyedProcessFunction<String, ProfileInput, ProfileChange> {

    public static final OutputTag<ItemPair> ITEM_PAIRS = ProfileKeeper.ITEM_PAIRS;

    private final ProfileKeeper keeper;
    private transient ValueState<CustomerProfile> profile;
    private transient ValueState<Long> expiryTimer;

    public UpdateCustomer(ProfileSettings settings, Duration idleTtl) {
        this.keeper = new ProfileKeeper(settings, idleTtl);
    }

    @Override
    public void open(OpenContext openContext) {
        profile = getRuntimeContext().getState(ProfileKeeper.PROFILE);
        expiryTimer = getRuntimeContext().getState(ProfileKeeper.EXPIRY_TIMER);
    }

    @Override
    public void processElement(ProfileInput input, Context ctx, Collector<ProfileChange> out) throws Exception {
        CustomerProfile before = profile.value();
        CustomerProfile updated;
        if (input.visitor != null) {
            updated = before == null ? adopt(input.visitor, input.customerId) : keeper.updater().absorb(before, input.visitor);
        } else {
            for (ItemPair pair : keeper.pairs(before, input.event)) {
                ctx.output(ITEM_PAIRS, pair);
            }
            updated = keeper.updater().apply(before, input.event);
        }
        profile.update(updated);
        out.collect(ProfileChange.updated(updated));
        keeper.scheduleExpiry(updated, expiryTimer, ctx.timerService());
    }

    /** A customer first known through their visitor history: that history becomes their profile. */
    private CustomerProfile adopt(CustomerProfile visitor, String customerId) {
        CustomerProfile fresh = ProfileUpdater.newProfile(customerId, visitor.getFirstSeen());
        return keeper.updater().absorb(fresh, visitor);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ProfileChange> out) throws Exception {
        if (keeper.isExpired(profile.value(), timestamp, expiryTimer, ctx.timerService())) {
            profile.clear();
            out.collect(ProfileChange.deleted(ctx.getCurrentKey()));
        }
    }
}
