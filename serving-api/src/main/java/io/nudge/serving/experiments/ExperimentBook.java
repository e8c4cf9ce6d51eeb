package io.nudge.serving.experiments;

import io.nudge.experiments.Experiment;
import io.nudge.experiments.ExperimentJson;
import io.nudge.experiments.ExperimentSplit;
import io.nudge.schemas.Codecs;
import io.nudge.schemas.ExperimentDefinition;
import io.nudge.serving.store.VersionedDocuments;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The experiments as the API knows them, materialised from the compacted experiments topic, parsed, with the
 * split that decides which offers each visitor is given: parsed again only when an experiment changes, not per request.
 */
public final class ExperimentBook extends VersionedDocuments<ExperimentDefinition> {

    private volatile Map<String, Experiment> parsed = Map.of();
    private volatile ExperimentSplit split = ExperimentSplit.NONE;

    public ExperimentBook() {
        super(Codecs.EXPERIMENTS, ExperimentDefinition::getExperimentId, ExperimentDefinition::getVersion, ExperimentDefinition::getUpdatedAt);
    }

    public ExperimentSplit split() {
        return split;
    }

    /** The experiment, parsed; empty when unknown or when its stored document no longer parses. */
    public Optional<Experiment> parsed(String experimentId) {
        return Optional.ofNullable(parsed.get(experimentId));
    }

    /** Every experiment, parsed (those whose stored document no longer parses left out). */
    public Collection<Experiment> parsed() {
        return parsed.values();
    }

    @Override
    protected void changed() {
        Map<String, Experiment> experiments = new HashMap<>();
        for (ExperimentDefinition definition : all()) {
            Experiment experiment = parse(definition);
            if (experiment != null) {
                experiments.put(experiment.experimentId(), experiment);
            }
        }
        parsed = Map.copyOf(experiments);
        split = new ExperimentSplit(experiments.values());
    }

    private static Experiment parse(ExperimentDefinition definition) {
        return ExperimentJson.parse(definition.getDefinition(), definition.getExperimentId(), definition.getVersion(), definition.getActive()).experiment();
    }
}
