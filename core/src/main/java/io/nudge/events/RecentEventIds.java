package io.nudge.events;

import java.nio.ByteBuffer;

/**
 * The ids of the events a profile applied lately, so that an event sent again (a client retrying after a timeout
 * while the broker did append) is applied once. Kept as bytes in the profile's state, next to the profile and
 * read with it: no state access of its own, and a check is a scan of a few dozen entries. Each entry is a 64-bit
 * hash of the id and the event's time in seconds (12 bytes); entries older than the window before the newest
 * event, and beyond the newest {@code max}, are dropped, so the state stays bounded however busy the customer.
 * The window is measured in event time: a replay drops exactly the duplicates the live job dropped.
 */
public final class RecentEventIds {

    static final int ENTRY_BYTES = 12;

    private RecentEventIds() {}

    /**
     * Records {@code eventId} at {@code eventTimeMillis}. Returns the new bytes to keep, or null when the id was
     * already there (a duplicate: apply nothing, keep the bytes as they are).
     *
     * @param recent the bytes kept so far, or null for none
     */
    public static byte[] record(byte[] recent, String eventId, long eventTimeMillis, long windowMillis, int max) {
        long hash = IdHash.of(eventId);
        int count = recent == null ? 0 : recent.length / ENTRY_BYTES;
        ByteBuffer entries = recent == null ? null : ByteBuffer.wrap(recent);
        long newestSeconds = eventTimeMillis / 1000;
        for (int i = 0; i < count; i++) {
            if (entries.getLong(i * ENTRY_BYTES) == hash) {
                return null;
            }
            newestSeconds = Math.max(newestSeconds, Integer.toUnsignedLong(entries.getInt(i * ENTRY_BYTES + 8)));
        }
        long oldestKept = newestSeconds - windowMillis / 1000;
        int kept = 0;
        for (int i = 0; i < count; i++) {
            kept += Integer.toUnsignedLong(entries.getInt(i * ENTRY_BYTES + 8)) >= oldestKept ? 1 : 0;
        }
        if (kept == count && count < max) {
            // The usual case, every entry still in the window: one copy with the new id at the end.
            byte[] next = java.util.Arrays.copyOf(recent == null ? new byte[0] : recent, (count + 1) * ENTRY_BYTES);
            ByteBuffer.wrap(next, count * ENTRY_BYTES, ENTRY_BYTES).putLong(hash).putInt((int) (eventTimeMillis / 1000));
            return next;
        }
        // Entries are in arrival order: drop those out of the window, and the oldest beyond max.
        int skip = Math.max(0, kept + 1 - max);
        ByteBuffer next = ByteBuffer.allocate((Math.min(kept, max - 1) + 1) * ENTRY_BYTES);
        for (int i = 0; i < count; i++) {
            if (Integer.toUnsignedLong(entries.getInt(i * ENTRY_BYTES + 8)) >= oldestKept) {
                if (skip > 0) {
                    skip--;
                } else {
                    next.put(recent, i * ENTRY_BYTES, ENTRY_BYTES);
                }
            }
        }
        next.putLong(hash).putInt((int) (eventTimeMillis / 1000));
        return next.array();
    }

    /** How many ids {@code recent} holds. */
    public static int size(byte[] recent) {
        return recent == null ? 0 : recent.length / ENTRY_BYTES;
    }
}
