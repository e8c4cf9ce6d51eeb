package io.nudge.serving.segments;

import io.nudge.offers.NextBestOffers;
import io.nudge.schemas.Codecs;
import io.nudge.schemas.SegmentDefinition;
import io.nudge.segments.Boost;
import io.nudge.segments.Segment;
import io.nudge.segments.SegmentJson;
import io.nudge.serving.store.VersionedDocuments;
import java.util.HashMap;
import java.util.Map;

/**
 * The segments as the API knows them, materialised from the compacted segments topic, with the boosts of the active
 * ones kept parsed: they are read on every recommendation, the documents only when one changes.
 */
public final class SegmentBook extends VersionedDocuments<SegmentDefinition> {

    private volatile Map<String, Boost> boosts = Map.of();

    public SegmentBook() {
        super(Codecs.SEGMENTS, SegmentDefinition::getSegmentId, SegmentDefinition::getVersion, SegmentDefinition::getUpdatedAt);
    }

    /** What the segments {@code customerId} belongs to do to their item recommendations, all at once. */
    public Boost boostFor(String customerId, NextBestOffers.SegmentMembership members) {
        Boost boost = Boost.NONE;
        for (Map.Entry<String, Boost> segment : boosts.entrySet()) {
            if (members.isMember(segment.getKey(), customerId)) {
                boost = boost.and(segment.getValue());
            }
        }
        return boost;
    }

    @Override
    protected void changed() {
        Map<String, Boost> active = new HashMap<>();
        for (SegmentDefinition definition : all()) {
            Segment segment = definition.getActive()
                    ? SegmentJson.parse(definition.getDefinition(), definition.getSegmentId(), definition.getVersion(), true).segment() : null;
            if (segment != null && !segment.boost().isEmpty()) {
                active.put(segment.segmentId(), segment.boost());
            }
        }
        boosts = Map.copyOf(active);
    }
}
