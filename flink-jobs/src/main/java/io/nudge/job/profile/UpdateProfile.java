package io.nudge.job.profile;

import io.nudge.profile.ProfileSettings;
import io.nudge.profile.ProfileUpdater;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.InteractionEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keeps each customer's profile in keyed state and emits it after every change, for the profiles changelog.
 * State is the Avro record itself, so savepoints evolve with the schema's own compatibility rules.
 */
public final class UpdateProfile extends KeyedProcessFunction<String, InteractionEvent, CustomerProfile> {

    public static final ValueStateDescriptor<CustomerProfile> PROFILE =
            new ValueStateDescriptor<>("profile", new AvroTypeInfo<>(CustomerProfile.class));

    private final ProfileUpdater updater;
    private transient ValueState<CustomerProfile> profile;

    public UpdateProfile(ProfileSettings settings) {
        this.updater = new ProfileUpdater(settings);
    }

    @Override
    public void open(OpenContext openContext) {
        profile = getRuntimeContext().getState(PROFILE);
    }

    @Override
    public void processElement(InteractionEvent event, Context ctx, Collector<CustomerProfile> out) throws Exception {
        CustomerProfile updated = updater.apply(profile.value(), event);
        profile.update(updated);
        out.collect(updated);
    }
}
