package io.nudge.events;

import java.nio.charset.StandardCharsets;

/**
 * 64 well-mixed bits of an id: FNV-1a over its UTF-8 bytes, then the SplitMix64 finaliser, so that ids differing in
 * one character land far apart (collisions ~n²/2⁶⁴). Fixed here rather than {@link String#hashCode()}: what is stored
 * or decided by it (recent event ids, experiment variants) must not move between versions of anything.
 */
public final class IdHash {
    private IdHash() {}

    public static long of(String id) {
        long h = 0xcbf29ce484222325L;
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }
}
