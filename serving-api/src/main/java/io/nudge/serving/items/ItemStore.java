package io.nudge.serving.items;

import io.nudge.catalogue.Catalogue;
import io.nudge.schemas.Codecs;
import io.nudge.schemas.Item;
import io.nudge.schemas.UndecodableMessageException;
import io.nudge.serving.store.ChangelogReader;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The shop's item catalogue, materialised from the compacted items topic: per item id, the highest version. Every
 * replica holds it whole (a shop's catalogue, not its customers), so scoring and answers read memory.
 */
public final class ItemStore implements Catalogue, ChangelogReader.Handler {

    private final ConcurrentHashMap<String, Item> items = new ConcurrentHashMap<>();

    @Override
    public void apply(String itemId, byte[] value) throws UndecodableMessageException {
        if (value == null) {
            items.remove(itemId);
        } else {
            upsert(Codecs.ITEMS.decode(value));
        }
    }

    /** Keeps {@code item} unless a newer version is already known. */
    public void upsert(Item item) {
        items.merge(item.getItemId(), item, (current, candidate) -> candidate.getVersion() > current.getVersion() ? candidate : current);
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
