package io.nudge.job.crosssell;

import java.util.Arrays;

/**
 * The pairs one item was found in during one publish interval, counted by kind (other item, weight) where they
 * were found, so that one record per item and interval crosses to the learner instead of one per pair. A Flink
 * POJO of arrays, which Flink serializes without reflection per element.
 */
public final class PairCounts {
    public String item;
    /** The event time at which the interval's associations are published (its last millisecond). */
    public long intervalEnd;
    public String[] others;
    public double[] weights;
    public long[] counts;
    /** Per kind, the latest event time among its pairs. */
    public long[] latest;

    public PairCounts() {}

    PairCounts(String item, long intervalEnd, int kinds) {
        this.item = item;
        this.intervalEnd = intervalEnd;
        this.others = new String[kinds];
        this.weights = new double[kinds];
        this.counts = new long[kinds];
        this.latest = new long[kinds];
    }

    /** One pair alone, as if no other had joined it: how tests feed the learner single pairs. */
    static PairCounts of(io.nudge.crosssell.ItemPair pair, long intervalMillis) {
        long at = pair.at().toEpochMilli();
        PairCounts counts = new PairCounts(pair.item(), CombinePairs.intervalEnd(at, intervalMillis), 1);
        counts.others[0] = pair.other();
        counts.weights[0] = pair.weight();
        counts.counts[0] = 1;
        counts.latest[0] = at;
        return counts;
    }

    public String item() {
        return item;
    }

    int kinds() {
        return others.length;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(item).append(" until ").append(intervalEnd).append(':');
        for (int i = 0; i < others.length; i++) {
            text.append(' ').append(counts[i]).append(" x ").append(others[i]).append(" (").append(weights[i]).append(") by ").append(latest[i]);
        }
        return text.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PairCounts other && item.equals(other.item) && intervalEnd == other.intervalEnd
                && Arrays.equals(others, other.others) && Arrays.equals(weights, other.weights)
                && Arrays.equals(counts, other.counts) && Arrays.equals(latest, other.latest);
    }

    @Override
    public int hashCode() {
        return item.hashCode() * 31 + Long.hashCode(intervalEnd);
    }
}
