package io.nudge.job.trending;

import io.nudge.schemas.InteractionEvent;
import io.nudge.trending.PopularItems;

/**
 * What trending needs of one event, counted towards one popularity scope: its category, or {@link #WHOLE_SHOP}.
 * Small on purpose: every event is shuffled twice (once per scope), and the whole event would cost an Avro
 * round trip each time.
 */
public final class ScopedEvent {
    public static final String WHOLE_SHOP = "*";

    public String scope;
    public String itemId;
    public String category;
    public double weight;

    public ScopedEvent() {}

    public ScopedEvent(String scope, InteractionEvent event) {
        this.scope = scope;
        this.itemId = event.getItemId();
        this.category = event.getCategory();
        this.weight = PopularItems.weightOf(event.getType());
    }

    /** Counts of one item in one scope are kept together. */
    public String itemKey() {
        return scope + "|" + itemId;
    }
}
