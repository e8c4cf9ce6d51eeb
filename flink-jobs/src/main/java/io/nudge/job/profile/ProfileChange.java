package io.nudge.job.profile;

import io.nudge.schemas.Codecs;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.UndecodableMessageException;
import java.util.Arrays;
import java.util.Objects;

/**
 * One record for the profiles changelog: the profile now, already encoded as the changelog stores it, or no
 * value when the profile is gone (expired or forgotten), which Kafka compaction turns into a deletion.
 *
 * <p>Encoded once, where the profile is updated: a profile is the job's largest record, and carrying it as an
 * Avro object would serialise it again on the way to the sink task and once more for Kafka (profiling showed
 * those passes costing more than the profile update itself).
 */
public final class ProfileChange {
    /** Flink POJO fields: the profile key, the Kafka timestamp (the profile's last activity), the single-object encoded profile. */
    public String key;
    public long timestamp;
    public byte[] encoded;

    public ProfileChange() {}

    public static ProfileChange updated(CustomerProfile profile) {
        ProfileChange change = new ProfileChange();
        change.key = profile.getProfileKey();
        change.timestamp = profile.getLastSeen().toEpochMilli();
        change.encoded = Codecs.PROFILES.encode(profile);
        return change;
    }

    public static ProfileChange deleted(String key) {
        ProfileChange change = new ProfileChange();
        change.key = key;
        return change;
    }

    public boolean isDeletion() {
        return encoded == null;
    }

    /** The profile decoded again, for readers that need the object rather than the changelog record. */
    public CustomerProfile profile() {
        if (isDeletion()) {
            throw new IllegalStateException(key + " was deleted; there is no profile");
        }
        try {
            return Codecs.PROFILES.decode(encoded);
        } catch (UndecodableMessageException e) {
            throw new IllegalStateException("profile change for " + key + " does not decode: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProfileChange other && Objects.equals(key, other.key) && timestamp == other.timestamp
                && Arrays.equals(encoded, other.encoded);
    }

    @Override
    public int hashCode() {
        return 31 * Objects.hash(key, timestamp) + Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return isDeletion() ? "deleted " + key : "updated " + key + " (" + encoded.length + " bytes)";
    }
}
