package io.nudge.segments;

/**
 * A customer entered or left a segment at {@code at} (event time, epoch milliseconds), with the condition that
 * decided it.
 */
public record SegmentChange(String segmentId, int segmentVersion, boolean entered, long at, String reason) {}
