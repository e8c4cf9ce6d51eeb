package io.nudge.job.crosssell;

import io.nudge.crosssell.ItemPair;

/**
 * Item pairs of one kind seen together in one publish interval, counted where they were found so that one record
 * crosses to the learner instead of one per pair. A Flink POJO.
 */
public final class PairCount {
    public String item;
    public String other;
    /** The weight of each pair (what kind of evidence). */
    public double weight;
    /** The latest event time among the pairs. */
    public long at;
    public int count;

    public PairCount() {}

    PairCount(ItemPair pair) {
        this.item = pair.item();
        this.other = pair.other();
        this.weight = pair.weight();
        this.at = pair.at().toEpochMilli();
        this.count = 1;
    }

    public String item() {
        return item;
    }

    @Override
    public String toString() {
        return count + " x " + item + "->" + other + " (" + weight + ") by " + at;
    }
}
