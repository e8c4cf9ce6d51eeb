package io.nudge.serving.segments;

import io.nudge.offers.NextBestOffers;
import io.nudge.schemas.Codecs;
import io.nudge.schemas.SegmentMembership;
import io.nudge.schemas.UndecodableMessageException;
import io.nudge.serving.store.ChangelogReader;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each segment's members, from the job's enter and exit records (the segment-changes topic, read committed, so
 * each change counts once): the live count is the size of the set. A customer's changes share a partition, so they
 * arrive in the order the job made them.
 */
public final class SegmentMembers implements ChangelogReader.Handler, NextBestOffers.SegmentMembership {

    private final Map<String, Set<String>> members = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastChange = new ConcurrentHashMap<>();

    @Override
    public void apply(String key, byte[] value) throws UndecodableMessageException {
        if (value != null) {
            apply(Codecs.SEGMENT_CHANGES.decode(value));
        }
    }

    public void apply(SegmentMembership change) {
        Set<String> of = members.computeIfAbsent(change.getSegmentId(), id -> ConcurrentHashMap.newKeySet());
        if (change.getEntered()) {
            of.add(change.getCustomerId());
        } else {
            of.remove(change.getCustomerId());
        }
        lastChange.merge(change.getSegmentId(), change.getAt(), (a, b) -> a.isAfter(b) ? a : b);
    }

    @Override
    public boolean isMember(String segmentId, String customerId) {
        return of(segmentId).contains(customerId);
    }

    public int count(String segmentId) {
        Set<String> of = members.get(segmentId);
        return of == null ? 0 : of.size();
    }

    /** The members, in no particular order (a live view: it changes while read). */
    public Set<String> of(String segmentId) {
        Set<String> of = members.get(segmentId);
        return of == null ? Set.of() : of;
    }

    /** Up to {@code limit} members, by id, so the same sample shows until the membership changes. */
    public List<String> sample(String segmentId, int limit) {
        return of(segmentId).stream().sorted().limit(limit).toList();
    }

    /** Event time of the latest change seen, or null. */
    public Instant lastChange(String segmentId) {
        return lastChange.get(segmentId);
    }
}
