package io.nudge.serving.offers;

import io.nudge.offers.OfferIndex;
import io.nudge.schemas.Codecs;
import io.nudge.schemas.Offer;
import io.nudge.schemas.UndecodableMessageException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The offers, materialised from the compacted offers topic: per offer id, the highest version. Every
 * replica of the API holds every offer (hundreds to thousands of offers), so scoring reads memory.
 */
public final class OfferStore {

    private final ConcurrentHashMap<String, Offer> offers = new ConcurrentHashMap<>();
    private volatile OfferIndex snapshot = OfferIndex.EMPTY;

    /** Applies one record of the offers topic; a deletion removes the offer. */
    public void apply(String offerId, byte[] value) throws UndecodableMessageException {
        if (value == null) {
            offers.remove(offerId);
            refreshSnapshot();
        } else {
            upsert(Codecs.OFFERS.decode(value));
        }
    }

    /** Keeps {@code offer} unless a newer version is already known. */
    public void upsert(Offer offer) {
        offers.merge(offer.getOfferId(), offer, (current, candidate) -> candidate.getVersion() > current.getVersion() ? candidate : current);
        refreshSnapshot();
    }

    private void refreshSnapshot() {
        snapshot = OfferIndex.of(offers.values().stream().sorted(Comparator.comparing(Offer::getOfferId)).toList());
    }

    /** Every offer, active or not, ordered by id. */
    public List<Offer> offers() {
        return snapshot.offers();
    }

    /** The offers arranged for scoring, made once per change. */
    public OfferIndex index() {
        return snapshot;
    }

    public Optional<Offer> get(String offerId) {
        return Optional.ofNullable(offers.get(offerId));
    }

    public int size() {
        return offers.size();
    }
}
