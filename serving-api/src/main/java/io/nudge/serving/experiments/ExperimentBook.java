package io.nudge.serving.experiments;

import io.nudge.experiments.Experiment;
import io.nudge.experiments.ExperimentJson;
import io.nudge.experiments.ExperimentSplit;
import io.nudge.schemas.Codecs;
import io.nudge.schemas.ExperimentDefinition;
import io.nudge.serving.store.VersionedDocuments;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The experiments as the API knows them, materialised from the compacted experiments topic, with the split that
 * decides which offers each visitor is given: parsed again only when an experiment changes, not per request.
 */
public final class ExperimentBook extends VersionedDocuments<ExperimentDefinition> {

    private volatile ExperimentSplit split = ExperimentSplit.NONE;

    public ExperimentBook() {
        super(Codecs.EXPERIMENTS, ExperimentDefinition::getExperimentId, ExperimentDefinition::getVersion, ExperimentDefinition::getUpdatedAt);
    }

    public ExperimentSplit split() {
        return split;
    }

    /** The experiment, parsed; empty when unknown or when its stored document no longer parses. */
    public Optional<Experiment> parsed(String experimentId) {
        return get(experimentId).map(ExperimentBook::parse);
    }

    @Override
    protected void changed() {
        List<Experiment> experiments = new ArrayList<>();
        for (ExperimentDefinition definition : all()) {
            Experiment experiment = parse(definition);
            if (experiment != null) {
                experiments.add(experiment);
            }
        }
        split = new ExperimentSplit(experiments);
    }

    private static Experiment parse(ExperimentDefinition definition) {
        return ExperimentJson.parse(definition.getDefinition(), definition.getExperimentId(), definition.getVersion(), definition.getActive()).experiment();
    }
}
