package io.nudge.job.trending;

import io.nudge.schemas.InteractionEvent;

/** An event counted towards one popularity scope: its category, or {@link #WHOLE_SHOP}. */
public final class ScopedEvent {
    public static final String WHOLE_SHOP = "*";

    public String scope;
    public InteractionEvent event;

    public ScopedEvent() {}

    public ScopedEvent(String scope, InteractionEvent event) {
        this.scope = scope;
        this.event = event;
    }
}
