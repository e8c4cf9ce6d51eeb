package io.nudge.triggers;

import java.io.Serializable;

/**
 * A marketer's trigger rule, parsed and validated ({@link RuleJson}). When several rules fire for a customer at
 * the same moment, the highest {@code priority} wins.
 */
public record Rule(String ruleId, int version, boolean active, String name, int priority, Condition condition,
                   ProfileFilter audience, RuleAction action) implements Serializable {}
