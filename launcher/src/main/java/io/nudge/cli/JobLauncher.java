package io.nudge.cli;

import io.nudge.config.NudgeConfig;
import io.nudge.job.FlinkEnvironment;
import io.nudge.flink.StandaloneFlinkCluster;
import io.nudge.job.PersonalizationJob;
import java.util.function.Function;
import org.apache.flink.core.execution.JobClient;

/** Starts the personalization job somewhere Flink runs: a MiniCluster in this JVM or a standalone cluster. */
public interface JobLauncher extends AutoCloseable {

    /**
     * @param restorePath a checkpoint or savepoint to start from, or null for a fresh start
     * @return the running (or starting) job
     */
    JobClient launch(NudgeConfig config, String restorePath) throws Exception;

    /** Releases what the launcher started (a standalone cluster's processes); a MiniCluster ends with its job. */
    @Override
    default void close() throws Exception {}

    /** On a Flink MiniCluster in this JVM; {@code jobs} builds the job for a configuration (tests put faults into its sinks). */
    static JobLauncher miniCluster(Function<NudgeConfig, PersonalizationJob> jobs) {
        return (config, restorePath) -> jobs.apply(config).start(restorePath == null
                ? FlinkEnvironment.create(config) : FlinkEnvironment.restoring(config, restorePath));
    }

    /**
     * As the job jar, submitted to {@code cluster} with the configuration's settings as program arguments (secrets
     * left out: the job needs none, and a cluster shows program arguments); closing the launcher stops the cluster.
     */
    static JobLauncher standalone(StandaloneFlinkCluster cluster) {
        return new JobLauncher() {
            @Override
            public JobClient launch(NudgeConfig config, String restorePath) throws Exception {
                return cluster.submit(config.get(NudgeConfig.JOB_PARALLELISM), config.overridesWithoutSecrets(), restorePath);
            }

            @Override
            public void close() throws InterruptedException {
                cluster.close();
            }
        };
    }
}
