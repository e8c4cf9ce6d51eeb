package io.nudge.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RecentEventIdsTest {

    private static final long DAY = Duration.ofDays(1).toMillis();
    private static final long T0 = 1_790_000_000_000L;

    @Test
    void anIdSeenWithinTheWindowIsADuplicate() {
        byte[] recent = RecentEventIds.record(null, "e1", T0, DAY, 100);
        recent = RecentEventIds.record(recent, "e2", T0 + 1_000, DAY, 100);
        assertNull(RecentEventIds.record(recent, "e1", T0, DAY, 100), "sent again");
        assertNull(RecentEventIds.record(recent, "e2", T0 + 1_000, DAY, 100));
        assertNotNull(RecentEventIds.record(recent, "e3", T0 + 2_000, DAY, 100));
    }

    @Test
    void entriesOlderThanTheWindowBeforeTheNewestEventAreDropped() {
        byte[] recent = RecentEventIds.record(null, "old", T0, DAY, 100);
        recent = RecentEventIds.record(recent, "new", T0 + DAY + 5_000, DAY, 100);
        assertEquals(1, RecentEventIds.size(recent), "the old id left the window");
        assertNotNull(RecentEventIds.record(recent, "old", T0, DAY, 100), "so it counts again: the window is the promise");
    }

    @Test
    void aBusyCustomerKeepsOnlyTheNewestMax() {
        byte[] recent = null;
        for (int i = 0; i < 50; i++) {
            recent = RecentEventIds.record(recent, "e" + i, T0 + i, DAY, 10);
        }
        assertEquals(10, RecentEventIds.size(recent));
        assertNull(RecentEventIds.record(recent, "e49", T0, DAY, 10));
        assertNotNull(RecentEventIds.record(recent, "e39", T0, DAY, 10), "beyond the newest 10");
    }

    @Test
    void hashesSpreadIdsThatDifferInOneCharacter() {
        java.util.Set<Long> hashes = new java.util.HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            hashes.add(IdHash.of("event-" + i));
        }
        assertEquals(100_000, hashes.size());
    }
}
