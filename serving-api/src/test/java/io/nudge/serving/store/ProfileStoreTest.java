package io.nudge.serving.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nudge.profile.ProfileSettings;
import io.nudge.profile.ProfileUpdater;
import io.nudge.schemas.Codecs;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.EventType;
import io.nudge.schemas.InteractionEvent;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ProfileStoreTest {

    private static CustomerProfile profile(int events) {
        ProfileUpdater updater = new ProfileUpdater(ProfileSettings.defaults());
        CustomerProfile profile = null;
        for (int i = 0; i < events; i++) {
            profile = updater.apply(profile, InteractionEvent.newBuilder().setEventId("e" + i).setCustomerId("ann").setType(EventType.PRODUCT_VIEW)
                    .setEventTime(Instant.parse("2026-11-29T10:00:00Z").plusSeconds(i)).setItemId("tea").setCategory("drinks").build());
        }
        return profile;
    }

    @Test
    void theNewestRecordOfACustomerWinsWhateverTheOrderTheyArrive() throws Exception {
        ProfileStore store = new ProfileStore();
        store.apply("ann", Codecs.PROFILES.encode(profile(3)));
        store.apply("ann", Codecs.PROFILES.encode(profile(2))); // a stale record, as an at-least-once writer may repeat
        assertEquals(3, store.get("ann").orElseThrow().getSequence());
        store.apply("ann", null);
        assertTrue(store.get("ann").isEmpty(), "a deletion removes the customer");
    }

    @Test
    void aCorruptRecordWhoseSequenceStillReadsIsAnsweredAsAnUnknownVisitorNotAnError() throws Exception {
        ProfileStore store = new ProfileStore();
        byte[] encoded = Codecs.PROFILES.encode(profile(3));
        store.apply("ann", Arrays.copyOf(encoded, 30)); // the key and sequence are there, the rest is cut off

        assertTrue(store.contains("ann"), "stored on its sequence alone");
        assertTrue(store.get("ann").isEmpty());
    }
}
