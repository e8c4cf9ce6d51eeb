package io.nudge.serving.items;

import io.nudge.config.NudgeConfig;
import io.nudge.schemas.Codecs;
import io.nudge.schemas.Item;
import io.nudge.serving.kafka.AcknowledgedWriter;
import java.time.Clock;
import java.util.Objects;

/**
 * Writes item changes to the items topic, where every API replica (and later the job) picks them up, and to this
 * replica's store at once so the writer reads its own change. A change that changes nothing writes nothing: importing
 * the same catalogue twice makes no new versions.
 */
public final class ItemPublisher implements AutoCloseable {

    /** What became of one item written. */
    public enum Outcome { CREATED, UPDATED, UNCHANGED }

    /** The item as stored after the write, and what the write did. */
    public record Published(Item item, Outcome outcome) {}

    private final AcknowledgedWriter writer;
    private final ItemStore store;
    private final Clock clock;

    public ItemPublisher(NudgeConfig config, ItemStore store, Clock clock) {
        this.writer = new AcknowledgedWriter(config, config.get(NudgeConfig.TOPIC_ITEMS), "nudge-serving-items");
        this.store = store;
        this.clock = clock;
    }

    /**
     * Stores {@code item} as the next version of its id (its own version and update time are the store's to set),
     * waiting until Kafka has it; unchanged content is not written again.
     */
    public Published publish(Item item) throws AcknowledgedWriter.UnavailableException {
        Item current = store.item(item.getItemId());
        if (current != null && sameContent(current, item)) {
            return new Published(current, Outcome.UNCHANGED);
        }
        Item next = Item.newBuilder(item).setVersion(current == null ? 1 : current.getVersion() + 1).setUpdatedAt(clock.instant()).build();
        writer.write(next.getItemId(), Codecs.ITEMS.encode(next));
        store.upsert(next);
        return new Published(next, current == null ? Outcome.CREATED : Outcome.UPDATED);
    }

    /** Equal but for the version and the update time, which every write sets anew. */
    static boolean sameContent(Item a, Item b) {
        Item left = Item.newBuilder(a).setVersion(0).setUpdatedAt(java.time.Instant.EPOCH).build();
        Item right = Item.newBuilder(b).setVersion(0).setUpdatedAt(java.time.Instant.EPOCH).build();
        return Objects.equals(left, right);
    }

    @Override
    public void close() {
        writer.close();
    }
}
