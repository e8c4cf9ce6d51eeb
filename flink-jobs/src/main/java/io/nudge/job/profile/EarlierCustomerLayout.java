package io.nudge.job.profile;

import io.nudge.schemas.Codecs;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.TriggerState;
import java.io.IOException;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

/**
 * The customer operator's state as releases before {@link CustomerState} kept it: four keyed states (profile and
 * trigger progress as Avro objects, the forgotten flag, the expiry timer). Read once per customer, when a job
 * restored from such a release first meets them; the values move into one {@link CustomerState} and the old
 * entries are cleared. Their timers live in the timer service and carry over as they are.
 */
final class EarlierCustomerLayout implements HeldCustomers.Fallback {

    /** The visitor operator keeps its profile and expiry timer under the same descriptors still. */
    static final ValueStateDescriptor<CustomerProfile> PROFILE = ProfileKeeper.PROFILE;
    static final ValueStateDescriptor<Long> EXPIRY_TIMER = ProfileKeeper.EXPIRY_TIMER;
    static final ValueStateDescriptor<TriggerState> TRIGGERS =
            new ValueStateDescriptor<>("triggers", new AvroTypeInfo<>(TriggerState.class));
    static final ValueStateDescriptor<Boolean> FORGOTTEN = new ValueStateDescriptor<>("forgotten", Types.BOOLEAN);

    private final ValueState<CustomerProfile> profile;
    private final ValueState<TriggerState> triggers;
    private final ValueState<Boolean> forgotten;
    private final ValueState<Long> expiryTimer;

    EarlierCustomerLayout(RuntimeContext context) {
        this.profile = context.getState(PROFILE);
        this.triggers = context.getState(TRIGGERS);
        this.forgotten = context.getState(FORGOTTEN);
        this.expiryTimer = context.getState(EXPIRY_TIMER);
    }

    /** The current key's values in one record, or null when the earlier layout holds nothing for it. */
    @Override
    public CustomerState read() throws IOException {
        CustomerProfile oldProfile = profile.value();
        TriggerState oldTriggers = triggers.value();
        Boolean wasForgotten = forgotten.value();
        Long expiry = expiryTimer.value();
        if (oldProfile == null && oldTriggers == null && wasForgotten == null && expiry == null) {
            return null;
        }
        profile.clear();
        triggers.clear();
        forgotten.clear();
        expiryTimer.clear();
        if (wasForgotten != null) {
            return CustomerState.FORGOTTEN;
        }
        Long wakeUp = oldTriggers == null ? null : io.nudge.triggers.Triggers.nextWakeUp(oldTriggers);
        return new CustomerState(oldProfile == null ? null : Codecs.PROFILES.encode(oldProfile),
                oldTriggers == null ? null : Codecs.TRIGGER_STATE.encode(oldTriggers),
                expiry == null ? CustomerState.NONE : expiry, wakeUp == null ? CustomerState.NONE : wakeUp, false, null);
    }
}
