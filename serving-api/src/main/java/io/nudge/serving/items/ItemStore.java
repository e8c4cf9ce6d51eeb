package io.nudge.serving.items;

import io.nudge.catalogue.Catalogue;
import io.nudge.schemas.Availability;
import io.nudge.schemas.Codecs;
import io.nudge.schemas.Item;
import io.nudge.schemas.UndecodableMessageException;
import io.nudge.serving.store.ChangelogReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The shop's item catalogue, materialised from the compacted items topic: per item id, the highest version. Every
 * replica holds it whole (a shop's catalogue, not its customers), so scoring and answers read memory.
 */
public final class ItemStore implements Catalogue, ChangelogReader.Handler {

    private final ConcurrentHashMap<String, Item> items = new ConcurrentHashMap<>();
    /**
     * Per category, its items newest first (unpublished ones last): new arrivals and items like one of the category
     * are read from the top, not searched for.
     */
    private final ConcurrentHashMap<String, ConcurrentSkipListSet<Arrival>> arrivals = new ConcurrentHashMap<>();

    /** An item's place in its category: newest first, then by id. */
    private record Arrival(long publishedAt, String itemId) implements Comparable<Arrival> {
        static Arrival of(Item item) {
            return item.getCategory() == null ? null
                    : new Arrival(item.getPublishedAt() == null ? Long.MIN_VALUE : item.getPublishedAt().toEpochMilli(), item.getItemId());
        }

        @Override
        public int compareTo(Arrival other) {
            int byTime = Long.compare(other.publishedAt, publishedAt);
            return byTime != 0 ? byTime : itemId.compareTo(other.itemId);
        }
    }

    @Override
    public void apply(String itemId, byte[] value) throws UndecodableMessageException {
        if (value == null) {
            remove(itemId);
        } else {
            upsert(Codecs.ITEMS.decode(value));
        }
    }

    /** Keeps {@code item} unless a newer version is already known. Writers are few (the reader, an import, an admin). */
    public synchronized void upsert(Item item) {
        Item current = items.get(item.getItemId());
        if (current != null && current.getVersion() >= item.getVersion()) {
            return;
        }
        items.put(item.getItemId(), item);
        unlist(current);
        Arrival arrival = Arrival.of(item);
        if (arrival != null) {
            arrivals.computeIfAbsent(item.getCategory(), category -> new ConcurrentSkipListSet<>()).add(arrival);
        }
    }

    private synchronized void remove(String itemId) {
        unlist(items.remove(itemId));
    }

    private void unlist(Item item) {
        Arrival arrival = item == null ? null : Arrival.of(item);
        if (arrival != null) {
            arrivals.getOrDefault(item.getCategory(), new ConcurrentSkipListSet<>()).remove(arrival);
        }
    }

    @Override
    public List<Item> newArrivals(String category, Instant since, int limit) {
        return newest(category, since.toEpochMilli(), limit);
    }

    @Override
    public List<Item> inCategory(String category, int limit) {
        return newest(category, Long.MIN_VALUE, limit);
    }

    /** In-stock items of {@code category} published at or after {@code since}, newest first. */
    private List<Item> newest(String category, long since, int limit) {
        ConcurrentSkipListSet<Arrival> listed = category == null ? null : arrivals.get(category);
        if (listed == null) {
            return List.of();
        }
        List<Item> found = new ArrayList<>(limit);
        for (Arrival arrival : listed) {
            if (arrival.publishedAt() < since || found.size() == limit) {
                break;
            }
            Item item = items.get(arrival.itemId());
            if (item != null && item.getAvailability() == Availability.IN_STOCK) {
                found.add(item);
            }
        }
        return found;
    }

    @Override
    public Item item(String itemId) {
        return itemId == null ? null : items.get(itemId);
    }

    @Override
    public boolean isEmpty() {
        return items.isEmpty();
    }

    public int size() {
        return items.size();
    }

    /** Items whose id or title contains {@code text} (any case; every item when blank), by id, at most {@code limit}. */
    public List<Item> search(String text, int limit) {
        String wanted = text == null ? "" : text.toLowerCase(Locale.ROOT);
        return items.values().stream()
                .filter(item -> wanted.isBlank() || item.getItemId().toLowerCase(Locale.ROOT).contains(wanted)
                        || item.getTitle().toLowerCase(Locale.ROOT).contains(wanted))
                .sorted(Comparator.comparing(Item::getItemId))
                .limit(limit)
                .toList();
    }
}
