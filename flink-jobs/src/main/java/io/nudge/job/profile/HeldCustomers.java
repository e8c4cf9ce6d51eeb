package io.nudge.job.profile;

import io.nudge.schemas.Codecs;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.TriggerState;
import io.nudge.schemas.UndecodableMessageException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.state.ValueState;

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

    /** One customer as held: the stored value and, decoded on first use, what it encodes. */
    static final class Held {
        private CustomerState stored;
        private CustomerProfile profile;
        private TriggerState triggers;

        private Held(CustomerState stored) {
            this.stored = stored;
        }

        CustomerState stored() {
            return stored;
        }

        /** The profile, or null when there is none. The object itself: change it only to {@link #update} with it. */
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

        /** A new stored value; {@code profile} and {@code triggers} are what its bytes encode (null: decode when asked). */
        void update(CustomerState next, CustomerProfile profile, TriggerState triggers) {
            this.stored = next;
            this.profile = profile;
            this.triggers = triggers;
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

    /** Writes what {@code held} now holds: one state write, whatever changed. */
    void write(Held held) throws IOException {
        state.update(held.stored);
    }

    /** Removes everything held about the current key. */
    void clear(String key) {
        state.clear();
        recent.remove(key);
    }
}
