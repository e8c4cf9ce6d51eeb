package io.nudge.crosssell;

import java.time.Instant;

/** Evidence that {@code other} goes with {@code item}: seen together at {@code at}, worth {@code weight}. */
public record ItemPair(String item, String other, double weight, Instant at) {}
