package io.nudge.job.profile;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.state.ValueState;

/**
 * A keyed value state with the values of its most recently used keys kept decoded on the heap. Every read from
 * RocksDB deserialises the whole value (Avro), and profiling put those reads of profiles and trigger progress at
 * a third of the customer operator's time; a shopper's events come in bursts (a session), so most reads find the
 * value here.
 *
 * <p>Write-through: every update goes to the keyed state as well, so checkpoints never depend on this cache, and
 * a restored or rescaled operator simply starts with it empty. Only the operator owning the state uses it (one
 * thread). A value read from here is the cached object itself: whoever changes it in place must {@link #put} it.
 *
 * @param <T> the state's value
 */
final class RecentlyUsedState<T> {

    /** Up to about 4 KB of heap per decoded profile: some 40 MB per operator instance at most. */
    static final int ENTRIES = 10_000;

    private final ValueState<T> state;
    private final Map<String, T> recent = new LinkedHashMap<>(ENTRIES * 4 / 3, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, T> eldest) {
            return size() > ENTRIES;
        }
    };

    RecentlyUsedState(ValueState<T> state) {
        this.state = state;
    }

    /** @param key the operator's current key (the keyed state is scoped to it) */
    T get(String key) throws IOException {
        T value = recent.get(key);
        if (value == null) {
            value = state.value();
            if (value != null) {
                recent.put(key, value);
            }
        }
        return value;
    }

    void put(String key, T value) throws IOException {
        state.update(value);
        recent.put(key, value);
    }

    void remove(String key) {
        state.clear();
        recent.remove(key);
    }
}
