package io.nudge.serving.store;

import io.nudge.crosssell.AssociationLearner;
import io.nudge.offers.CrossSell;
import io.nudge.schemas.Codecs;
import io.nudge.schemas.ItemAssociations;
import io.nudge.schemas.UndecodableMessageException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Items that go with each item and how much each sells, materialised from the associations changelog (highest sequence wins). */
public final class AssociationStore implements CrossSell {

    private final ConcurrentHashMap<String, ItemAssociations> associations = new ConcurrentHashMap<>();
    private final AssociationLearner learner;

    /** @param learner how the job learns associations: the store values demand the same way */
    public AssociationStore(AssociationLearner learner) {
        this.learner = learner;
    }

    public void apply(String itemId, byte[] value) throws UndecodableMessageException {
        if (value == null) {
            associations.remove(itemId);
            return;
        }
        ItemAssociations update = Codecs.ASSOCIATIONS.decode(value);
        associations.merge(itemId, update, (current, candidate) -> candidate.getSequence() > current.getSequence() ? candidate : current);
    }

    /** Keeps {@code learned} as the item's associations (an offline evaluation learns them itself). */
    public void put(ItemAssociations learned) {
        associations.put(learned.getItemId(), learned);
    }

    public ItemAssociations get(String itemId) {
        return associations.get(itemId);
    }

    @Override
    public Map<String, Double> neighboursOf(String itemId) {
        ItemAssociations found = associations.get(itemId);
        return found == null ? Map.of() : found.getNeighbours();
    }

    @Override
    public double demandOf(String itemId, Instant now) {
        return learner.demandAt(associations.get(itemId), now);
    }

    public int size() {
        return associations.size();
    }
}
