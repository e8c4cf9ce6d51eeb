package io.nudge.serving.store;

import io.nudge.schemas.Codecs;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.UndecodableMessageException;
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

    /**
     * The profile under {@code profileKey}; for an anonymous visitor who has since logged in, the customer's
     * profile they were merged into.
     */
    public Optional<CustomerProfile> get(String profileKey) {
        CustomerProfile profile = profiles.get(profileKey);
        if (profile != null && profile.getMergedInto() != null) {
            return Optional.ofNullable(profiles.get(profile.getMergedInto()));
        }
        return Optional.ofNullable(profile);
    }

    /** Applies one changelog record: a profile, or a deletion ({@code value} null). */
    public void apply(String key, byte[] value) throws UndecodableMessageException {
        if (value == null) {
            remove(key);
        } else {
            upsert(Codecs.PROFILES.decode(value));
        }
    }

    public int size() {
        return profiles.size();
    }
}
