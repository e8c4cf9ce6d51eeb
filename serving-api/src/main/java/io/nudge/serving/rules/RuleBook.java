package io.nudge.serving.rules;

import io.nudge.schemas.Codecs;
import io.nudge.schemas.TriggerRule;
import io.nudge.serving.store.VersionedDocuments;
import java.util.List;

/** The trigger rules as the API knows them, materialised from the compacted rules topic. */
public final class RuleBook extends VersionedDocuments<TriggerRule> {

    public RuleBook() {
        super(Codecs.RULES, TriggerRule::getRuleId, TriggerRule::getVersion, TriggerRule::getUpdatedAt);
    }

    public List<TriggerRule> rules() {
        return all();
    }
}
