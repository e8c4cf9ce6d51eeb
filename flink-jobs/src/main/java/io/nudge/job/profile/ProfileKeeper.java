package io.nudge.job.profile;

import io.nudge.crosssell.CoOccurrences;
import io.nudge.events.RecentEventIds;
import io.nudge.crosssell.ItemPair;
import io.nudge.profile.ProfileSettings;
import io.nudge.profile.ProfileUpdater;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.ExperimentOutcome;
import io.nudge.schemas.InteractionEvent;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.util.OutputTag;

/**
 * What the visitor and the customer operators share: one profile per key in state, each event applied once, the
 * item pairs an event creates, and expiry of idle profiles in event time.
 *
 * <p>Expiry uses one event-time timer per key: when it fires early (the profile saw events since), it is moved
 * to the profile's new expiry instead of registering a timer per event.
 */
final class ProfileKeeper implements Serializable {

    static final ValueStateDescriptor<CustomerProfile> PROFILE =
            new ValueStateDescriptor<>("profile", new AvroTypeInfo<>(CustomerProfile.class));
    static final ValueStateDescriptor<Long> EXPIRY_TIMER = new ValueStateDescriptor<>("expiry-timer", Types.LONG);
    /** Exposures to experiments and purchases within their windows, from visitors and customers alike. */
    static final OutputTag<ExperimentOutcome> EXPERIMENT_OUTCOMES = new OutputTag<>("experiment-outcomes") {};
    static final OutputTag<ItemPair> ITEM_PAIRS = new OutputTag<>("item-pairs") {};

    private final ProfileUpdater updater;
    private final CoOccurrences coOccurrences;
    private final long idleTtlMillis;
    private final long duplicateWindowMillis;
    private final int duplicateIdsMax;

    ProfileKeeper(ProfileSettings settings, Duration idleTtl) {
        this.updater = new ProfileUpdater(settings);
        this.coOccurrences = new CoOccurrences(settings.sessionGap());
        this.idleTtlMillis = idleTtl.toMillis();
        this.duplicateWindowMillis = settings.duplicateWindow().toMillis();
        this.duplicateIdsMax = settings.duplicateIdsMax();
    }

    /**
     * {@code recent} with {@code event}'s id recorded, or null when the profile applied that id already (an event
     * sent again): the caller then applies nothing.
     */
    byte[] recordOnce(byte[] recent, InteractionEvent event) {
        return RecentEventIds.record(recent, event.getEventId(), event.getEventTime().toEpochMilli(), duplicateWindowMillis, duplicateIdsMax);
    }

    ProfileUpdater updater() {
        return updater;
    }

    /** The item pairs {@code event} creates, judged against the profile before it. */
    List<ItemPair> pairs(CustomerProfile before, InteractionEvent event) {
        return coOccurrences.of(before, event);
    }

    /** When {@code profile} expires if nothing happens to it any more. */
    long expiryOf(CustomerProfile profile) {
        return profile.getLastSeen().toEpochMilli() + idleTtlMillis;
    }

    /** Makes sure a timer is set for {@code profile}'s expiry, keeping only the earliest one. */
    void scheduleExpiry(CustomerProfile profile, ValueState<Long> timer, TimerService timers) throws Exception {
        if (timer.value() == null) {
            long at = expiryOf(profile);
            timers.registerEventTimeTimer(at);
            timer.update(at);
        }
    }

    /**
     * Called when the expiry timer fires. Returns true when the profile really is idle (and should go);
     * otherwise moves the timer to the new expiry. At the end of a bounded input (watermark at its maximum)
     * nothing expires: running out of history is not a customer going quiet.
     */
    boolean isExpired(CustomerProfile profile, long timestamp, ValueState<Long> timer, TimerService timers) throws Exception {
        Long due = timer.value();
        if (due == null || timestamp < due) {
            return false; // another timer of this key (trigger deadlines share the timer service)
        }
        timer.clear();
        if (profile == null || timers.currentWatermark() == Long.MAX_VALUE) {
            return false;
        }
        long expiry = expiryOf(profile);
        if (expiry <= timestamp) {
            return true;
        }
        timers.registerEventTimeTimer(expiry);
        timer.update(expiry);
        return false;
    }
}
