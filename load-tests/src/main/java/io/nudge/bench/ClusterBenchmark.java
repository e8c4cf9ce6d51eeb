package io.nudge.bench;

import io.nudge.config.NudgeConfig;
import io.nudge.flink.FlinkDistribution;
import io.nudge.flink.StandaloneFlinkCluster;
import io.nudge.job.replay.Replay;
import io.nudge.serving.kafka.TopicSetup;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * Events/s of the job jar on a standalone Flink cluster (separate JobManager and TaskManager JVMs) at several
 * parallelisms, over the same events in Kafka: the live job, as submitted in production, from the first event until
 * a checkpoint has committed the offset of the last one. Each parallelism is compared with parallelism 1 of the same
 * run, so the ratio is the scaling the machine gives.
 */
public final class ClusterBenchmark {

    /** @param machineBusy share of the machine's processor time in use during the run (every process), 0..1 */
    public record Run(int parallelism, Duration elapsed, long events, double machineBusy) {
        public double perSecond() {
            return events / (elapsed.toNanos() / 1e9);
        }
    }

    public record Result(long events, int profiles, StandaloneFlinkCluster.Layout layout, List<Run> runs) {
        /** Throughput of {@code run} over that at the first (lowest) parallelism. */
        public double scaling(Run run) {
            return run.perSecond() / runs.get(0).perSecond();
        }
    }

    private static final Duration RUN_DEADLINE = Duration.ofMinutes(20);

    private ClusterBenchmark() {}

    public static Result run(NudgeConfig config, long events, int customers, List<Integer> parallelisms, StandaloneFlinkCluster.Layout layout,
                             long seed, Path workDir, PrintWriter progress) throws Exception {
        int partitions = parallelisms.stream().mapToInt(Integer::intValue).max().orElse(1);
        NudgeConfig bench = BenchData.benchTopics(config).with(NudgeConfig.TOPIC_PARTITIONS, partitions)
                .with(NudgeConfig.JOB_CHECKPOINT_INTERVAL, "2s")
                .with(NudgeConfig.JOB_CHECKPOINT_DIR, workDir.toAbsolutePath().resolve("checkpoints").toUri());
        TopicSetup.ensureTopics(bench);
        PipelineBenchmark.writeRules(bench);
        PipelineBenchmark.Written written = PipelineBenchmark.writeEvents(bench, events, customers, seed, progress);
        Map<TopicPartition, Long> end = endOffsets(bench);

        progress.printf("starting a Flink cluster: 1 JobManager, %d TaskManagers x %d slots ...%n", layout.taskManagers(),
                layout.slotsPerTaskManager()).flush();
        List<Run> runs = new ArrayList<>();
        try (StandaloneFlinkCluster cluster = StandaloneFlinkCluster.start(FlinkDistribution.builtIn(Path.of("")), layout,
                workDir.resolve("flink"), workDir.toAbsolutePath().resolve("checkpoints").toUri());
             Admin admin = admin(bench)) {
            for (int parallelism : parallelisms) {
                NudgeConfig job = Replay.namespace(bench, "cluster-p" + parallelism + "-")
                        .with(NudgeConfig.JOB_EVENT_TIME_ORDER, false)
                        .with(NudgeConfig.JOB_PARALLELISM, parallelism);
                TopicSetup.ensureTopics(job);
                progress.printf("job jar at parallelism %d over %,d events ...%n", parallelism, events).flush();
                runs.add(timeToConsume(cluster, admin, job, end, progress));
            }
        }
        return new Result(events, written.profiles(), layout, runs);
    }

    /** From every task running to the last event's offset committed by a checkpoint. */
    private static Run timeToConsume(StandaloneFlinkCluster cluster, Admin admin, NudgeConfig job, Map<TopicPartition, Long> end, PrintWriter progress)
            throws Exception {
        long total = end.values().stream().mapToLong(Long::longValue).sum();
        JobClient client = cluster.submit(job.get(NudgeConfig.JOB_PARALLELISM), job.overridesWithoutSecrets(), null);
        try {
            long deadline = System.nanoTime() + RUN_DEADLINE.toNanos();
            while (!cluster.allTasksRunning(client.getJobID())) {
                checkDeadline(deadline, "tasks running");
                Thread.sleep(50);
            }
            long started = System.nanoTime();
            MachineCpu cpu = new MachineCpu();
            long consumed;
            long shown = -1;
            while ((consumed = committed(admin, job, end)) < total) {
                checkDeadline(deadline, "all events consumed");
                if (consumed != shown) {
                    progress.printf("\r  %,d of %,d events committed", consumed, total).flush();
                    shown = consumed;
                }
                Thread.sleep(100);
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            progress.printf("\r  %,d events in %.1f s%n", total, elapsed.toMillis() / 1000.0).flush();
            return new Run(job.get(NudgeConfig.JOB_PARALLELISM), elapsed, total, cpu.busy());
        } finally {
            client.cancel().get(60, TimeUnit.SECONDS);
            try {
                client.getJobExecutionResult().get(60, TimeUnit.SECONDS);
            } catch (ExecutionException cancelled) {
                // how a cancelled job ends
            }
        }
    }

    private static void checkDeadline(long deadline, String what) {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("Not " + what + " within " + RUN_DEADLINE.toMinutes() + " min");
        }
    }

    private static Map<TopicPartition, Long> endOffsets(NudgeConfig config) throws Exception {
        try (Admin admin = admin(config)) {
            String topic = config.get(NudgeConfig.TOPIC_EVENTS);
            Map<TopicPartition, OffsetSpec> latest = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                    .collect(Collectors.toMap(partition -> new TopicPartition(topic, partition.partition()), partition -> OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get().entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, entry -> ((ListOffsetsResult.ListOffsetsResultInfo) entry.getValue()).offset()));
        }
    }

    /** Events of the input the job's checkpoints have committed. */
    private static long committed(Admin admin, NudgeConfig config, Map<TopicPartition, Long> end) throws Exception {
        Map<TopicPartition, Long> offsets = CheckpointWatch.committedOffsets(admin, config.get(NudgeConfig.JOB_CONSUMER_GROUP));
        return end.keySet().stream().mapToLong(partition -> offsets.getOrDefault(partition, 0L)).sum();
    }

    private static Admin admin(NudgeConfig config) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS));
        return Admin.create(props);
    }
}
