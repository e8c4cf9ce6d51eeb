package io.nudge.cli;

import io.nudge.config.ConfigException;
import io.nudge.flink.StandaloneFlinkCluster;
import picocli.CommandLine.Option;

/** The shape of a standalone Flink cluster, for the commands that start one. */
final class ClusterLayoutOptions {

    @Option(names = "--task-managers", defaultValue = "2", description = "TaskManager processes (default: ${DEFAULT-VALUE}).")
    int taskManagers;

    @Option(names = "--slots", defaultValue = "2", description = "Task slots per TaskManager (default: ${DEFAULT-VALUE}).")
    int slots;

    @Option(names = "--task-manager-memory", defaultValue = "1536m",
            description = "Each TaskManager's process memory, Flink's taskmanager.memory.process.size (default: ${DEFAULT-VALUE}).")
    String taskManagerMemory;

    StandaloneFlinkCluster.Layout layout() {
        if (taskManagers < 1 || slots < 1) {
            throw new ConfigException("--task-managers and --slots must be at least 1");
        }
        return new StandaloneFlinkCluster.Layout(taskManagers, slots, taskManagerMemory);
    }
}
