package io.nudge.serving.segments;

import io.nudge.schemas.Codecs;
import io.nudge.schemas.SegmentDefinition;
import io.nudge.serving.store.VersionedDocuments;

/** The segments as the API knows them, materialised from the compacted segments topic. */
public final class SegmentBook extends VersionedDocuments<SegmentDefinition> {

    public SegmentBook() {
        super(Codecs.SEGMENTS, SegmentDefinition::getSegmentId, SegmentDefinition::getVersion, SegmentDefinition::getUpdatedAt);
    }
}
