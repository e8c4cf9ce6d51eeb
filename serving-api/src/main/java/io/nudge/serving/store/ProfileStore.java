package io.nudge.serving.store;

import io.nudge.schemas.CustomerProfile;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The serving side's copy of every profile, materialised from the profiles changelog. Keeps, per key, the
 * record with the highest sequence number, so duplicates and reordering from an at-least-once writer are harmless.
 */
public final class ProfileStore {

    private final ConcurrentHashMap<String, CustomerProfile> profiles = new ConcurrentHashMap<>();

    /** @return whether the store changed (false for a stale or repeated record) */
    public boolean upsert(CustomerProfile profile) {
        boolean[] changed = {false};
        profiles.compute(profile.getProfileKey(), (key, current) -> {
            if (current == null || profile.getSequence() > current.getSequence()) {
                changed[0] = true;
                return profile;
            }
            return current;
        });
        return changed[0];
    }

    public void remove(String profileKey) {
        profiles.remove(profileKey);
    }

    public Optional<CustomerProfile> get(String profileKey) {
        return Optional.ofNullable(profiles.get(profileKey));
    }

    public int size() {
        return profiles.size();
    }
}
