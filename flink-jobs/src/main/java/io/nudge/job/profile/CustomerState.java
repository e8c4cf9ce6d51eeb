package io.nudge.job.profile;

import io.nudge.events.RecentEventIds;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Everything the customer operator keeps about one customer, as one keyed-state value: read at most once and
 * written once per input. The profile is held as the bytes of its changelog record (Avro single-object
 * encoding), so a profile is encoded once per change and the same bytes go to RocksDB and to the
 * {@code profiles} topic; trigger progress is encoded the same way, so both evolve by their schemas' rules.
 *
 * <p>Immutable: a change makes a new value. Byte arrays are never modified once set, so copies share them.
 *
 * @param profile the encoded {@code CustomerProfile}, or null when there is none (never seen, expired)
 * @param triggers the encoded {@code TriggerState}, or null while no input has reached the trigger rules
 * @param expiryTimer event time of the registered idle-expiry timer, or {@link #NONE}
 * @param wakeUpTimer event time of the latest registered trigger wake-up, or {@link #NONE}
 * @param forgotten the customer asked to be forgotten: nothing else is kept, nothing is rebuilt or sent
 * @param recentEvents the ids of the events applied lately ({@link RecentEventIds}), or null for none
 */
public record CustomerState(byte[] profile, byte[] triggers, long expiryTimer, long wakeUpTimer, boolean forgotten, byte[] recentEvents) {

    public static final long NONE = Long.MIN_VALUE;
    public static final CustomerState EMPTY = new CustomerState(null, null, NONE, NONE, false, null);
    public static final CustomerState FORGOTTEN = new CustomerState(null, null, NONE, NONE, true, null);

    public CustomerState withProfile(byte[] encoded) {
        return new CustomerState(encoded, triggers, expiryTimer, wakeUpTimer, forgotten, recentEvents);
    }

    public CustomerState withTriggers(byte[] encoded) {
        return new CustomerState(profile, encoded, expiryTimer, wakeUpTimer, forgotten, recentEvents);
    }

    public CustomerState withExpiryTimer(long at) {
        return new CustomerState(profile, triggers, at, wakeUpTimer, forgotten, recentEvents);
    }

    public CustomerState withWakeUpTimer(long at) {
        return new CustomerState(profile, triggers, expiryTimer, at, forgotten, recentEvents);
    }

    public CustomerState withRecentEvents(byte[] ids) {
        return new CustomerState(profile, triggers, expiryTimer, wakeUpTimer, forgotten, ids);
    }

    /** Lengths and flags in a fixed layout, then the encoded records as they are: writing is a copy. */
    public static final class Serializer extends TypeSerializerSingleton<CustomerState> {
        public static final Serializer INSTANCE = new Serializer();
        private static final long serialVersionUID = 1L;
        private static final int HAS_PROFILE = 1;
        private static final int HAS_TRIGGERS = 2;
        private static final int FORGOTTEN_FLAG = 4;
        /** Absent from values written before event ids were remembered: they read as none. */
        private static final int HAS_RECENT_EVENTS = 8;

        @Override
        public boolean isImmutableType() {
            return true;
        }

        @Override
        public CustomerState createInstance() {
            return EMPTY;
        }

        @Override
        public CustomerState copy(CustomerState from) {
            return from;
        }

        @Override
        public CustomerState copy(CustomerState from, CustomerState reuse) {
            return from;
        }

        @Override
        public int getLength() {
            return -1;
        }

        @Override
        public void serialize(CustomerState state, DataOutputView target) throws IOException {
            target.writeByte((state.profile != null ? HAS_PROFILE : 0) | (state.triggers != null ? HAS_TRIGGERS : 0)
                    | (state.forgotten ? FORGOTTEN_FLAG : 0) | (state.recentEvents != null ? HAS_RECENT_EVENTS : 0));
            target.writeLong(state.expiryTimer);
            target.writeLong(state.wakeUpTimer);
            writeBytes(state.profile, target);
            writeBytes(state.triggers, target);
            writeBytes(state.recentEvents, target);
        }

        @Override
        public CustomerState deserialize(DataInputView source) throws IOException {
            int flags = source.readByte();
            long expiry = source.readLong();
            long wakeUp = source.readLong();
            byte[] profile = (flags & HAS_PROFILE) != 0 ? readBytes(source) : null;
            byte[] triggers = (flags & HAS_TRIGGERS) != 0 ? readBytes(source) : null;
            byte[] recentEvents = (flags & HAS_RECENT_EVENTS) != 0 ? readBytes(source) : null;
            return new CustomerState(profile, triggers, expiry, wakeUp, (flags & FORGOTTEN_FLAG) != 0, recentEvents);
        }

        @Override
        public CustomerState deserialize(CustomerState reuse, DataInputView source) throws IOException {
            return deserialize(source);
        }

        @Override
        public void copy(DataInputView source, DataOutputView target) throws IOException {
            serialize(deserialize(source), target);
        }

        @Override
        public TypeSerializerSnapshot<CustomerState> snapshotConfiguration() {
            return new Snapshot();
        }

        private static void writeBytes(byte[] bytes, DataOutputView target) throws IOException {
            if (bytes != null) {
                target.writeInt(bytes.length);
                target.write(bytes);
            }
        }

        private static byte[] readBytes(DataInputView source) throws IOException {
            byte[] bytes = new byte[source.readInt()];
            source.readFully(bytes);
            return bytes;
        }

        /**
         * Restores the serializer from checkpoints; the layout above is its version 1 (the flag for recent event
         * ids came later, and values without it read as before).
         */
        public static final class Snapshot extends SimpleTypeSerializerSnapshot<CustomerState> {
            public Snapshot() {
                super(() -> INSTANCE);
            }
        }
    }
}
