package io.nudge.segments;

import io.nudge.config.NudgeConfig;
import io.nudge.profile.CustomerMetrics;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.InteractionEvent;
import io.nudge.schemas.RuleProgress;
import io.nudge.schemas.TriggerState;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps one customer's segment memberships current. Membership and the matches of each behaviour window live in the
 * customer's {@link TriggerState} next to the rules' progress (keys {@code segment:<id>} and {@code segment:<id>#<n>}),
 * so they cost no state of their own and their deadlines wake the customer through the same event-time timer:
 * a window's count changes when its oldest match leaves it, and conditions that follow the clock (stage, churn risk,
 * next purchase) are checked again every {@code recheck}. Each call returns the enter and exit changes it found.
 */
public final class SegmentEngine implements Serializable {

    static final String PREFIX = "segment:";

    private final CustomerMetrics.Thresholds thresholds;
    private final long recheckMillis;

    public SegmentEngine(CustomerMetrics.Thresholds thresholds, Duration recheck) {
        this.thresholds = thresholds;
        this.recheckMillis = recheck.toMillis();
    }

    public static SegmentEngine from(NudgeConfig config) {
        return new SegmentEngine(CustomerMetrics.Thresholds.from(config), config.get(NudgeConfig.SEGMENTS_RECHECK_INTERVAL));
    }

    /** After {@code event} was applied to {@code profile}. */
    public List<SegmentChange> onEvent(TriggerState state, Collection<Segment> segments, CustomerProfile profile, InteractionEvent event) {
        long t = event.getEventTime().toEpochMilli();
        List<SegmentChange> changes = new ArrayList<>();
        for (Segment segment : segments) {
            if (!segment.active()) {
                leave(state, segment.segmentId(), t, "the segment was switched off", changes);
                continue;
            }
            for (int i = 0; i < segment.behaviour().size(); i++) {
                Behaviour behaviour = segment.behaviour().get(i);
                if (behaviour.event().matches(event)) {
                    RuleProgress window = progress(state, clauseKey(segment, i), segment.version());
                    List<Long> times = new ArrayList<>(window.getMatchTimes());
                    times.add(t);
                    window.setMatchTimes(times);
                }
            }
            evaluate(state, segment, profile, t, changes);
        }
        return changes;
    }

    /** Resolves the memberships whose deadline passed at {@code now} (event time). */
    public List<SegmentChange> onTime(TriggerState state, Collection<Segment> segments, CustomerProfile profile, long now) {
        List<SegmentChange> changes = new ArrayList<>();
        for (Segment segment : segments) {
            RuleProgress membership = state.getProgress().get(membershipKey(segment.segmentId()));
            if (segment.active() && membership != null && membership.getDeadline() != null && membership.getDeadline() <= now) {
                evaluate(state, segment, profile, membership.getDeadline(), changes);
            }
        }
        return changes;
    }

    /** Whether the customer is in {@code segmentId} by their state. */
    public static boolean isMember(TriggerState state, String segmentId) {
        RuleProgress membership = state.getProgress().get(membershipKey(segmentId));
        return membership != null && membership.getFired();
    }

    /** Whether the state holds any segment's progress (so that deleted segments still have members to let go). */
    public static boolean isInAny(TriggerState state) {
        for (String key : state.getProgress().keySet()) {
            if (key.startsWith(PREFIX)) {
                return true;
            }
        }
        return false;
    }

    /** Leaves the segments that are no longer defined, and drops their progress. */
    public static List<SegmentChange> retain(TriggerState state, Collection<Segment> segments, long at) {
        Map<String, Segment> known = new HashMap<>();
        segments.forEach(segment -> known.put(segment.segmentId(), segment));
        List<SegmentChange> changes = new ArrayList<>();
        for (String key : List.copyOf(state.getProgress().keySet())) {
            if (key.startsWith(PREFIX) && key.indexOf('#') < 0 && !known.containsKey(key.substring(PREFIX.length()))) {
                leave(state, key.substring(PREFIX.length()), at, "the segment was deleted", changes);
            }
        }
        return changes;
    }

    private void evaluate(TriggerState state, Segment segment, CustomerProfile profile, long t, List<SegmentChange> changes) {
        RuleProgress membership = progress(state, membershipKey(segment.segmentId()), segment.version());
        String failed = segment.profile().accepts(profile, java.time.Instant.ofEpochMilli(t), thresholds) ? null : "profile conditions";
        Long deadline = segment.profile().followsTime() ? t + recheckMillis : null;
        for (int i = 0; i < segment.behaviour().size(); i++) {
            Behaviour behaviour = segment.behaviour().get(i);
            RuleProgress window = progress(state, clauseKey(segment, i), segment.version());
            List<Long> times = inWindow(window.getMatchTimes(), t, behaviour);
            if (times.size() != window.getMatchTimes().size()) {
                window.setMatchTimes(times);
            }
            if (failed == null && !behaviour.holds(times.size())) {
                failed = behaviour.event() + " " + bounds(behaviour) + " within " + NudgeConfig.durationText(behaviour.within());
            }
            if (!times.isEmpty()) {
                long changesAt = oldest(times) + behaviour.within().toMillis();
                deadline = deadline == null ? changesAt : Math.min(deadline, changesAt);
            }
        }
        membership.setDeadline(deadline);
        boolean member = failed == null;
        if (member != membership.getFired()) {
            membership.setFired(member);
            changes.add(new SegmentChange(segment.segmentId(), segment.version(), member, t,
                    member ? "meets every condition" : "no longer meets: " + failed));
        }
    }

    /** The matches still inside the window ending at {@code end}, at most the newest the bounds need. */
    private static List<Long> inWindow(List<Long> times, long end, Behaviour behaviour) {
        long start = end - behaviour.within().toMillis();
        if (times.size() <= behaviour.kept() && times.stream().allMatch(time -> time > start)) {
            return times; // the common case: nothing to drop, nothing to copy
        }
        List<Long> inside = new ArrayList<>(times.size());
        for (long time : times) {
            if (time > start) {
                inside.add(time);
            }
        }
        inside.sort(Long::compare);
        int keep = behaviour.kept();
        return inside.size() > keep ? new ArrayList<>(inside.subList(inside.size() - keep, inside.size())) : inside;
    }

    private static long oldest(List<Long> times) {
        long oldest = Long.MAX_VALUE;
        for (long time : times) {
            oldest = Math.min(oldest, time);
        }
        return oldest;
    }

    private static String bounds(Behaviour behaviour) {
        if (behaviour.atLeast() != null && behaviour.atMost() != null) {
            return behaviour.atLeast() + " to " + behaviour.atMost() + " times";
        }
        return behaviour.atLeast() != null ? "at least " + behaviour.atLeast() + " times" : "at most " + behaviour.atMost() + " times";
    }

    private static void leave(TriggerState state, String segmentId, long at, String why, List<SegmentChange> changes) {
        RuleProgress membership = state.getProgress().get(membershipKey(segmentId));
        if (membership == null) {
            return;
        }
        if (membership.getFired()) {
            changes.add(new SegmentChange(segmentId, membership.getRuleVersion(), false, at, why));
        }
        Map<String, RuleProgress> kept = new HashMap<>(state.getProgress());
        kept.keySet().removeIf(key -> key.equals(membershipKey(segmentId)) || key.startsWith(membershipKey(segmentId) + "#"));
        state.setProgress(kept);
    }

    static String membershipKey(String segmentId) {
        return PREFIX + segmentId;
    }

    private static String clauseKey(Segment segment, int clause) {
        return PREFIX + segment.segmentId() + "#" + clause;
    }

    /**
     * The progress under {@code key} for this version of the segment. A new version starts its windows afresh but
     * keeps whether the customer was a member, so that the first evaluation says whether they still are.
     */
    private static RuleProgress progress(TriggerState state, String key, int version) {
        RuleProgress p = state.getProgress().get(key);
        if (p == null || p.getRuleVersion() != version) {
            boolean member = p != null && p.getFired();
            p = new RuleProgress(version, null, null, member, new ArrayList<>(), new ArrayList<>());
            Map<String, RuleProgress> all = new HashMap<>(state.getProgress());
            all.put(key, p);
            state.setProgress(all);
        }
        return p;
    }
}
