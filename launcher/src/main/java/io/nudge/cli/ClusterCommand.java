package io.nudge.cli;

import io.nudge.flink.FlinkDistribution;
import io.nudge.flink.StandaloneFlinkCluster;
import io.nudge.config.ConfigException;
import io.nudge.config.NudgeConfig;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The demo with the job where production runs it: on a Flink cluster, as the job jar. The cluster is a standalone
 * one on this machine, its JobManager and TaskManagers separate JVMs on loopback.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "Run Nudge with the job on a standalone Flink cluster on this machine: a Kafka broker (KRaft), "
                + "one JobManager and --task-managers TaskManagers (each its own JVM, Flink from Maven Central), the job jar "
                + "(flink-jobs/target/nudge-job.jar) submitted with flink run at --parallelism on as many topic partitions, "
                + "the serving API and synthetic shoppers. Checkpoints go to <work-dir>/checkpoints. Stop with Ctrl-C.")
final class ClusterCommand extends DemoCommand {

    @Mixin
    ClusterLayoutOptions cluster;

    @Option(names = "--parallelism", defaultValue = "4",
            description = "The job's parallelism; topics get at least as many partitions (default: ${DEFAULT-VALUE}).")
    int parallelism;

    private StandaloneFlinkCluster running;

    @Override
    String name() {
        return "cluster";
    }

    @Override
    NudgeConfig configure(NudgeConfig config) {
        return config.with(NudgeConfig.JOB_PARALLELISM, parallelism)
                .with(NudgeConfig.TOPIC_PARTITIONS, Math.max(parallelism, config.get(NudgeConfig.TOPIC_PARTITIONS)));
    }

    @Override
    JobLauncher jobLauncher(Path workDir) throws Exception {
        StandaloneFlinkCluster.Layout layout = cluster.layout();
        if (parallelism > layout.slots()) {
            throw new ConfigException("--parallelism " + parallelism + " needs " + parallelism + " task slots; "
                    + layout.taskManagers() + " TaskManagers x " + layout.slotsPerTaskManager() + " slots have " + layout.slots());
        }
        System.out.printf("Starting a Flink cluster: 1 JobManager, %d TaskManagers x %d slots ...%n", layout.taskManagers(), layout.slotsPerTaskManager());
        running = StandaloneFlinkCluster.start(FlinkDistribution.builtIn(Path.of("")), layout, workDir.resolve("flink"),
                workDir.toAbsolutePath().resolve("checkpoints").toUri());
        return JobLauncher.standalone(running);
    }

    @Override
    String whereTheJobRuns(LocalStack stack) {
        return String.format("""
                The job runs on a standalone Flink cluster (1 JobManager, %d TaskManagers x %d slots, parallelism %d):
                    curl -s %s/jobs/overview ; curl -s %s/taskmanagers
                  Flink's logs: %s""", cluster.taskManagers, cluster.slots, parallelism, running.restAddress(), running.restAddress(),
                running.logDirectory().toAbsolutePath());
    }
}
