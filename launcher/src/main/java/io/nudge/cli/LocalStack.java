package io.nudge.cli;

import io.nudge.config.NudgeConfig;
import io.nudge.job.PersonalizationJob;
import io.nudge.kafka.LocalKafkaBroker;
import io.nudge.serving.ServingApi;
import io.nudge.serving.kafka.TopicSetup;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole of Nudge on one machine: a real KRaft broker (child JVM), the personalization job (RocksDB state,
 * checkpoints under the work directory) on a Flink MiniCluster or a standalone cluster, and the serving API. The
 * demo and the end-to-end tests start exactly this.
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);

    private final LocalKafkaBroker broker;
    private final NudgeConfig config;
    private final JobLauncher jobs;
    private JobClient job;
    private volatile ServingApi api;

    private LocalStack(LocalKafkaBroker broker, NudgeConfig config, JobLauncher jobs, JobClient job, ServingApi api) {
        this.broker = broker;
        this.config = config;
        this.jobs = jobs;
        this.job = job;
        this.api = api;
    }

    /**
     * Starts everything with {@code workDir} holding the broker's log and the checkpoints. The broker address
     * and checkpoint directory in {@code config} are replaced by the local ones.
     */
    public static LocalStack start(Path workDir, NudgeConfig config) throws Exception {
        return start(workDir, config, PersonalizationJob::onKafka);
    }

    /** @param jobs the personalization job for a configuration (tests put faults into its sinks) */
    public static LocalStack start(Path workDir, NudgeConfig config, Function<NudgeConfig, PersonalizationJob> jobs) throws Exception {
        return start(workDir, config, JobLauncher.miniCluster(jobs));
    }

    /** @param jobs where the job runs; closed with the stack */
    public static LocalStack start(Path workDir, NudgeConfig config, JobLauncher jobs) throws Exception {
        LocalKafkaBroker broker = LocalKafkaBroker.start(workDir.resolve("kafka"));
        try {
            NudgeConfig local = config
                    .with(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS, broker.bootstrapServers())
                    .with(NudgeConfig.JOB_CHECKPOINT_DIR, workDir.resolve("checkpoints").toUri())
                    .with(NudgeConfig.ARCHIVE_DIR, config.get(NudgeConfig.ARCHIVE_DIR).isBlank()
                            ? workDir.resolve("archive").toUri().toString() : config.get(NudgeConfig.ARCHIVE_DIR));
            TopicSetup.ensureTopics(local);
            JobClient job = jobs.launch(local, null);
            awaitRunning(job);
            LOG.info("Personalization job {} running", job.getJobID());
            ServingApi api = ServingApi.start(local);
            awaitReady(api);
            return new LocalStack(broker, local, jobs, job, api);
        } catch (Exception e) {
            try {
                jobs.close();
            } finally {
                broker.close();
            }
            throw e;
        }
    }

    public NudgeConfig config() {
        return config;
    }

    public ServingApi api() {
        return api;
    }

    public LocalKafkaBroker broker() {
        return broker;
    }

    /**
     * Stops the job abruptly (cancel, no savepoint) and starts it again from its latest completed checkpoint, as
     * Flink does after a failure: state, source offsets and open Kafka transactions resume from there.
     *
     * @return the checkpoint restored from
     */
    public Path restartJobFromLatestCheckpoint() throws Exception {
        job.cancel().get(30, TimeUnit.SECONDS);
        awaitGone(job);
        Path checkpoint = latestCheckpoint(Path.of(URI.create(config.get(NudgeConfig.JOB_CHECKPOINT_DIR))).resolve(job.getJobID().toString()));
        job = jobs.launch(config, checkpoint.toUri().toString());
        awaitRunning(job);
        LOG.info("Personalization job {} restored from {}", job.getJobID(), checkpoint);
        return checkpoint;
    }

    /**
     * Stops the job with a savepoint and starts the job as built now from it, as an upgrade does: state, source
     * offsets and committed outputs carry over; state written with older schemas migrates on restore.
     *
     * @return the savepoint restored from
     */
    public Path upgradeJobThroughSavepoint() throws Exception {
        return restartThroughSavepoint(config);
    }

    /**
     * Stops the job with a savepoint and starts it from there with another parallelism: keyed state is
     * redistributed by key group, the Kafka source's partitions among the new readers.
     *
     * @return the savepoint restored from
     */
    public Path rescaleJobThroughSavepoint(int parallelism) throws Exception {
        return restartThroughSavepoint(config.with(NudgeConfig.JOB_PARALLELISM, parallelism));
    }

    private Path restartThroughSavepoint(NudgeConfig next) throws Exception {
        URI savepoints = Path.of(URI.create(config.get(NudgeConfig.JOB_CHECKPOINT_DIR))).resolveSibling("savepoints").toUri();
        String savepoint = job.stopWithSavepoint(false, savepoints.toString(), SavepointFormatType.CANONICAL).get(60, TimeUnit.SECONDS);
        awaitGone(job);
        job = jobs.launch(next, savepoint);
        awaitRunning(job);
        LOG.info("Personalization job {} started from savepoint {} at parallelism {}", job.getJobID(), savepoint,
                next.get(NudgeConfig.JOB_PARALLELISM));
        return Path.of(URI.create(savepoint));
    }

    /**
     * Waits until the old job has stopped for good. Cancelling only starts the cancellation; a new job must not
     * start while the old one's tasks still run, or both would write (and abort) the same Kafka transactions.
     */
    private static void awaitGone(JobClient job) throws Exception {
        try {
            job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException cancelled) {
            // the usual end of a cancelled job
        } catch (IllegalStateException clusterGone) {
            // a local job's MiniCluster shuts down once the job has ended, and then no longer answers
        }
    }

    private static Path latestCheckpoint(Path jobDir) throws IOException {
        try (Stream<Path> dirs = Files.list(jobDir)) {
            return dirs.filter(dir -> dir.getFileName().toString().startsWith("chk-") && Files.exists(dir.resolve("_metadata")))
                    .max(Comparator.comparingLong(dir -> Long.parseLong(dir.getFileName().toString().substring(4))))
                    .orElseThrow(() -> new IllegalStateException("no completed checkpoint under " + jobDir));
        }
    }

    /**
     * Stops the serving API and starts a new one, as a redeploy does: it rebuilds its stores from the changelogs
     * before it reports ready. Keys stay the same only when configured.
     *
     * @return how long the new API took to be ready
     */
    public Duration restartApi() throws InterruptedException {
        api.close();
        long started = System.nanoTime();
        api = ServingApi.start(config);
        awaitReady(api);
        return Duration.ofNanos(System.nanoTime() - started);
    }

    public org.apache.flink.api.common.JobID jobId() {
        return job.getJobID();
    }

    public JobStatus jobStatus() throws Exception {
        return job.getJobStatus().get(10, TimeUnit.SECONDS);
    }

    private static void awaitRunning(JobClient job) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (true) {
            JobStatus status = job.getJobStatus().get(10, TimeUnit.SECONDS);
            if (status == JobStatus.RUNNING) {
                return;
            }
            if (status.isGloballyTerminalState() || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("Personalization job did not start: " + status);
            }
            Thread.sleep(100);
        }
    }

    /** The API is ready once it has read the changelogs (and seeded the offers of a new install). */
    private static void awaitReady(ServingApi api) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (!api.isReady()) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("The serving API did not catch up with its changelogs within 60 s");
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            api.close();
        } finally {
            try {
                job.cancel().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("Cancelling the job failed: {}", e.toString());
            } finally {
                try {
                    jobs.close();
                } finally {
                    broker.close();
                }
            }
        }
    }
}
