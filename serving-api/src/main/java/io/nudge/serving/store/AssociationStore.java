package io.nudge.serving.store;

import io.nudge.offers.CrossSell;
import io.nudge.schemas.Codecs;
import io.nudge.schemas.ItemAssociations;
import io.nudge.schemas.UndecodableMessageException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Items that go with each item, materialised from the associations changelog (highest sequence wins). */
public final class AssociationStore implements CrossSell {

    private final ConcurrentHashMap<String, ItemAssociations> associations = new ConcurrentHashMap<>();

    public void apply(String itemId, byte[] value) throws UndecodableMessageException {
        if (value == null) {
            associations.remove(itemId);
            return;
        }
        ItemAssociations update = Codecs.ASSOCIATIONS.decode(value);
        associations.merge(itemId, update, (current, candidate) -> candidate.getSequence() > current.getSequence() ? candidate : current);
    }

    @Override
    public Map<String, Double> neighboursOf(String itemId) {
        ItemAssociations found = associations.get(itemId);
        return found == null ? Map.of() : found.getNeighbours();
    }

    public int size() {
        return associations.size();
    }
}
