package io.nudge.profile;

import java.util.Locale;

/** Where a customer is in their relationship with the shop. */
public enum LifecycleStage {
    NEW, ACTIVE, AT_RISK, LAPSED, VIP;

    /** The name in JSON and in offer and rule documents: {@code at_risk}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
