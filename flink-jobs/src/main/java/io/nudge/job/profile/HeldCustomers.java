package io.nudge.job.profile;

import io.nudge.schemas.Codecs;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.TriggerState;
import io.nudge.schemas.UndecodableMessageException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.util.Collector;

/**
 * The customer operator's view of its keyed {@link CustomerState}: the most recently used customers are kept on
 * the heap, decoded, so that a shopper's burst of events (a session) reads RocksDB and decodes Avro once, not per
 * event. Write-through: every change goes to the keyed state as well, so checkpoints never depend on this cache,
 * and a restored or rescaled operator simply starts with it empty.
 *
 * <p>Only the operator owning the state uses it (one thread); the keyed state must be scoped to the key asked for.
 */
final class HeldCustomers {

    /** Up to about 4 KB of heap per decoded customer: some 40 MB per operator instance at most. */
    static final int ENTRIES = 10_000;

    /**
     * One customer as held: the stored value and, decoded on first use, what it encodes. A change to the profile
     * or the trigger progress is made to the decoded object and marked; {@link #write} encodes what changed, once
     * however many changes came before it.
     */
    static final class Held {
        private CustomerState stored;
        private CustomerProfile profile;
        private TriggerState triggers;
        private boolean profileChanged;
        private boolean triggersChanged;

        private Held(CustomerState stored) {
            this.stored = stored;
        }

        /** The stored value; its profile and trigger bytes are stale while a change is not written. */
        CustomerState stored() {
            return stored;
        }

        /** The profile, or null when there is none. The object itself: change it only to {@link #changeProfile} with it. */
        CustomerProfile profile() {
            if (profile == null && stored.profile() != null) {
                profile = decode(stored.profile(), "profile", Codecs.PROFILES);
            }
            return profile;
        }

        /** Trigger progress, or null when none was kept. */
        TriggerState triggers() {
            if (triggers == null && stored.triggers() != null) {
                triggers = decode(stored.triggers(), "trigger state", Codecs.TRIGGER_STATE);
            }
            return triggers;
        }

        void changeProfile(CustomerProfile changed) {
            profile = changed;
            profileChanged = true;
        }

        void changeTriggers(TriggerState changed) {
            triggers = changed;
            triggersChanged = true;
        }

        /** Timers and flags: the fields kept as they are. */
        void changeStored(CustomerState next) {
            stored = next;
        }

        /** Everything replaced by {@code next}, nothing left to encode (forgotten). */
        void reset(CustomerState next) {
            stored = next;
            profile = null;
            triggers = null;
            profileChanged = false;
            triggersChanged = false;
        }

        private static <T extends org.apache.avro.specific.SpecificRecord> T decode(byte[] bytes, String what,
                                                                                     io.nudge.schemas.SingleObjectCodec<T> codec) {
            try {
                return codec.decode(bytes);
            } catch (UndecodableMessageException e) {
                throw new IllegalStateException("the " + what + " in state does not decode: " + e.getMessage(), e);
            }
        }
    }

    /** Reads the current key's value when no newer layout holds it (state restored from an earlier release). */
    interface Fallback {
        CustomerState read() throws IOException;
    }

    private final ValueState<CustomerState> state;
    private final Fallback fallback;
    private final Map<String, Held> recent = new LinkedHashMap<>(ENTRIES * 4 / 3, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Held> eldest) {
            return size() > ENTRIES;
        }
    };

    HeldCustomers(ValueState<CustomerState> state, Fallback fallback) {
        this.state = state;
        this.fallback = fallback;
    }

    /** The customer under {@code key}, the operator's current key: never null ({@link CustomerState#EMPTY} when unknown). */
    Held get(String key) throws IOException {
        Held held = recent.get(key);
        if (held == null) {
            CustomerState stored = state.value();
            if (stored == null) {
                stored = fallback.read();
                if (stored != null) {
                    state.update(stored); // moved out of the earlier layout, which no longer holds it
                }
            }
            held = new Held(stored == null ? CustomerState.EMPTY : stored);
            recent.put(key, held);
        }
        return held;
    }

    /**
     * Writes what {@code held} now holds, the current key's customer: a changed profile is encoded once, and the
     * same bytes go to {@code changelog} and to state; one state write, whatever changed.
     */
    void write(Held held, Collector<ProfileChange> changelog) throws IOException {
        CustomerState next = held.stored;
        if (held.profileChanged) {
            ProfileChange change = ProfileChange.updated(held.profile);
            changelog.collect(change);
            next = next.withProfile(change.encoded);
        }
        if (held.triggersChanged) {
            next = next.withTriggers(Codecs.TRIGGER_STATE.encode(held.triggers));
        }
        held.stored = next;
        held.profileChanged = false;
        held.triggersChanged = false;
        state.update(next);
    }

    /** Removes everything held about the current key. */
    void clear(String key) {
        state.clear();
        recent.remove(key);
    }
}
