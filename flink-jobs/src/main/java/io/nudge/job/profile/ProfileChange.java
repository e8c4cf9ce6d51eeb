package io.nudge.job.profile;

import io.nudge.schemas.CustomerProfile;
import java.util.Objects;

/**
 * One record for the profiles changelog: the profile now, or {@code null} when the profile is gone (expired or
 * forgotten), which Kafka compaction turns into a deletion.
 */
public final class ProfileChange {
    public String key;
    public CustomerProfile profile;

    public ProfileChange() {}

    public static ProfileChange updated(CustomerProfile profile) {
        ProfileChange change = new ProfileChange();
        change.key = profile.getProfileKey();
        change.profile = profile;
        return change;
    }

    public static ProfileChange deleted(String key) {
        ProfileChange change = new ProfileChange();
        change.key = key;
        return change;
    }

    public boolean isDeletion() {
        return profile == null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProfileChange other && Objects.equals(key, other.key) && Objects.equals(profile, other.profile);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, profile);
    }

    @Override
    public String toString() {
        return isDeletion() ? "deleted " + key : "updated " + key + "#" + profile.getSequence();
    }
}
