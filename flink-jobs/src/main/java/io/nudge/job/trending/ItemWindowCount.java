package io.nudge.job.trending;

/** One item's weighted interactions in one scope during one sliding window. */
public final class ItemWindowCount {
    public String scope;
    public String itemId;
    public String category;
    public long windowEnd;
    public long windowSize;
    public double count;

    public ItemWindowCount() {}

    /** Items of one scope and window are ranked together. */
    public String rankingKey() {
        return scope + "@" + windowEnd;
    }
}
