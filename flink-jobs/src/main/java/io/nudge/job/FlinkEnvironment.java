package io.nudge.job;

import io.nudge.config.NudgeConfig;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The execution environment every Nudge job runs in: RocksDB keyed state, exactly-once checkpoints to the
 * configured directory. Run from the launcher or a test it is a local MiniCluster; submitted to a cluster it is
 * that cluster's.
 */
public final class FlinkEnvironment {
    private FlinkEnvironment() {}

    public static Configuration configuration(NudgeConfig config) {
        Configuration flink = new Configuration();
        flink.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        flink.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, config.get(NudgeConfig.JOB_CHECKPOINT_DIR));
        flink.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, config.get(NudgeConfig.JOB_CHECKPOINT_INTERVAL));
        flink.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        // Incremental: a checkpoint uploads only the RocksDB files written since the last one, so its cost
        // follows the rate of change, not the number of customers.
        flink.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        // Kept when the job is cancelled, so an operator (or a test) can restore from the last one.
        flink.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        flink.set(CoreOptions.DEFAULT_PARALLELISM, config.get(NudgeConfig.JOB_PARALLELISM));
        flink.set(ExecutionOptions.BUFFER_TIMEOUT, config.get(NudgeConfig.JOB_BUFFER_TIMEOUT));
        // Chained operators hand records on without a defensive copy. Safe here: no operator keeps or changes a
        // record it has passed on, and every record that leaves a chain is serialised at once.
        flink.set(PipelineOptions.OBJECT_REUSE, true);
        return flink;
    }

    public static StreamExecutionEnvironment create(NudgeConfig config) {
        return StreamExecutionEnvironment.getExecutionEnvironment(configuration(config));
    }

    /** An environment whose job starts from the checkpoint or savepoint at {@code restorePath}. */
    public static StreamExecutionEnvironment restoring(NudgeConfig config, String restorePath) {
        Configuration flink = configuration(config);
        flink.set(StateRecoveryOptions.SAVEPOINT_PATH, restorePath);
        return StreamExecutionEnvironment.getExecutionEnvironment(flink);
    }
}
