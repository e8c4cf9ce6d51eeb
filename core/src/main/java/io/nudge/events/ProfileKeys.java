package io.nudge.events;

import io.nudge.schemas.InteractionEvent;

/** Which profile an event belongs to: the customer's once known, else the anonymous visitor's. */
public final class ProfileKeys {
    private ProfileKeys() {}

    public static String of(InteractionEvent event) {
        return event.getCustomerId() != null ? event.getCustomerId() : event.getAnonymousId();
    }
}
