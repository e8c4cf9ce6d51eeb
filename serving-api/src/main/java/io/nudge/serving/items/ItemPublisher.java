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

    /**
     * Stores many items at once (an import): each as {@link #publish} would, but sent together and acknowledged as a
     * whole. Ids must not repeat within one call.
     */
    public java.util.List<Published> publishAll(java.util.List<Item> items) throws AcknowledgedWriter.UnavailableException {
        java.util.List<Published> outcomes = new java.util.ArrayList<>(items.size());
        java.util.List<java.util.Map.Entry<String, byte[]>> records = new java.util.ArrayList<>();
        java.util.List<Item> written = new java.util.ArrayList<>();
        for (Item item : items) {
            Item current = store.item(item.getItemId());
            if (current != null && sameContent(current, item)) {
                outcomes.add(new Published(current, Outcome.UNCHANGED));
                continue;
            }
            Item next = Item.newBuilder(item).setVersion(current == null ? 1 : current.getVersion() + 1).setUpdatedAt(clock.instant()).build();
            records.add(java.util.Map.entry(next.getItemId(), Codecs.ITEMS.encode(next)));
            written.add(next);
            outcomes.add(new Published(next, current == null ? Outcome.CREATED : Outcome.UPDATED));
        }
        writer.writeAll(records);
        written.forEach(store::upsert);
        return outcomes;
    }

    private static final String DEMO_ITEMS = "/io/nudge/serving/demo-items.jsonl";

    /** Writes the demo shop's items when the catalogue is empty, so that the demo shop shows products, not ids. */
    public void seedDemoIfEmpty(com.fasterxml.jackson.databind.ObjectMapper json) throws AcknowledgedWriter.UnavailableException {
        if (!store.isEmpty()) {
            return;
        }
        java.util.List<Item> items = new java.util.ArrayList<>();
        try (java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(
                java.util.Objects.requireNonNull(ItemPublisher.class.getResourceAsStream(DEMO_ITEMS), DEMO_ITEMS),
                java.nio.charset.StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (!line.isBlank()) {
                    ItemJson.Parsed parsed = ItemJson.parse(json.readTree(line), null);
                    if (parsed.item() == null) {
                        throw new IllegalStateException(DEMO_ITEMS + ": " + parsed.errors());
                    }
                    items.add(parsed.item());
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        publishAll(items);
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
