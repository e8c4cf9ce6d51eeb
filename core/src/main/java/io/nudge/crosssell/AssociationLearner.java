package io.nudge.crosssell;

import io.nudge.config.NudgeConfig;
import io.nudge.profile.Decay;
import io.nudge.schemas.ItemAssociations;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Keeps, per item, the items that go with it: co-occurrence weights decayed in event time (what went together
 * last year counts less than what goes together now) and capped to the strongest neighbours, so the state per
 * item is bounded however much it sells. A pair of an item with itself (the diagonal: an order holding it) adds to
 * the item's demand instead, decayed faster ({@code demandHalfLife}): what sells now, not what sold this year.
 */
public final class AssociationLearner implements Serializable {

    private final Decay decay;
    private final Decay demandDecay;
    private final int neighboursMax;

    public AssociationLearner(Duration halfLife, Duration demandHalfLife, int neighboursMax) {
        this.decay = Decay.halfLife(halfLife);
        this.demandDecay = Decay.halfLife(demandHalfLife);
        this.neighboursMax = neighboursMax;
    }

    public static AssociationLearner from(NudgeConfig config) {
        return new AssociationLearner(config.get(NudgeConfig.CROSSSELL_HALF_LIFE), config.get(NudgeConfig.CROSSSELL_DEMAND_HALF_LIFE),
                config.get(NudgeConfig.CROSSSELL_NEIGHBOURS_MAX));
    }

    /** The item's demand valued at {@code now}: its decayed orders, 0 for an item not learned about. */
    public double demandAt(ItemAssociations associations, Instant now) {
        return associations == null ? 0 : associations.getDemand() * demandDecay.factor(now.toEpochMilli() - associations.getAsOf().toEpochMilli());
    }

    /** Adds {@code pair} to {@code current} (updated in place) or to new associations of {@code pair.item()}. */
    public ItemAssociations apply(ItemAssociations current, ItemPair pair) {
        ItemAssociations associations = current != null ? current
                : new ItemAssociations(pair.item(), 0L, pair.at(), new HashMap<>(), 0.0);
        associations.setSequence(associations.getSequence() + 1);
        long ageMillis = associations.getAsOf().toEpochMilli() - pair.at().toEpochMilli();
        boolean diagonal = pair.other().equals(pair.item());
        // Copied only when it changes: a sale of the item alone, valued at the current time, leaves the neighbours be.
        Map<String, Double> neighbours = ageMillis < 0 || !diagonal ? new HashMap<>(associations.getNeighbours()) : associations.getNeighbours();
        if (ageMillis < 0) {
            double factor = decay.factor(-ageMillis);
            neighbours.replaceAll((other, weight) -> weight * factor);
            associations.setNeighbours(neighbours);
            associations.setDemand(associations.getDemand() * demandDecay.factor(-ageMillis));
            associations.setAsOf(pair.at());
            ageMillis = 0;
        }
        if (diagonal) {
            associations.setDemand(associations.getDemand() + pair.weight() * demandDecay.factor(ageMillis));
            return associations;
        }
        double weight = pair.weight() * decay.factor(ageMillis);
        if (neighbours.containsKey(pair.other()) || neighbours.size() < neighboursMax) {
            neighbours.merge(pair.other(), weight, Double::sum);
        } else {
            // Space-Saving: the newcomer takes the weakest one's place and inherits its weight, so an item that
            // starts to sell with this one can climb instead of being evicted on every arrival.
            // Ties by id, so replays evict the same one.
            Map.Entry<String, Double> weakest = neighbours.entrySet().stream()
                    .min(Map.Entry.<String, Double>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                    .orElseThrow();
            neighbours.remove(weakest.getKey());
            neighbours.put(pair.other(), weakest.getValue() + weight);
        }
        associations.setNeighbours(neighbours);
        return associations;
    }
}
