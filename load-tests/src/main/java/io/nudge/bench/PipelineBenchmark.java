package io.nudge.bench;

import io.nudge.config.NudgeConfig;
import io.nudge.events.ProfileKeys;
import io.nudge.job.FlinkEnvironment;
import io.nudge.job.KafkaEndpoints;
import io.nudge.job.events.SourceRecord;
import io.nudge.job.replay.Replay;
import io.nudge.schemas.Codecs;
import io.nudge.schemas.InteractionEvent;
import io.nudge.schemas.RuleStatus;
import io.nudge.schemas.SegmentDefinition;
import io.nudge.schemas.ExperimentDefinition;
import io.nudge.schemas.TriggerRule;
import io.nudge.serving.kafka.TopicSetup;
import io.nudge.traffic.ClickstreamGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Sustained events/s through the personalization job (RocksDB, checkpoints every 10 s, the exactly-once outreach
 * sink, applying inputs on arrival as live) against a pass-through job with the same source, decoding, sink kind
 * and parallelism, both over the same events already in Kafka, run one after the other in this process. Also the
 * job's checkpoints: how long they take and how large its RocksDB state is per customer.
 */
public final class PipelineBenchmark {

    private static final Instant TRAFFIC_START = Instant.parse("2026-11-01T00:00:00Z");
    private static final String PASS_THROUGH_TOPIC = "bench-pass-through";

    /**
     * @param profiles distinct customer and anonymous ids in the events
     * @param checkpoints the personalization job's checkpoints, in order of completion
     */
    public record Result(long events, int profiles, Duration passThrough, Duration personalization, List<Checkpoint> checkpoints,
                         List<TaskTime> tasks) {
        public double passThroughPerSecond() {
            return events / (passThrough.toNanos() / 1e9);
        }

        public double personalizationPerSecond() {
            return events / (personalization.toNanos() / 1e9);
        }

        public double ratio() {
            return personalizationPerSecond() / passThroughPerSecond();
        }

        /** The last checkpoint with a count of the profiles it holds; empty when the run was too short for one. */
        public java.util.Optional<Checkpoint> last() {
            return checkpoints.stream().filter(checkpoint -> checkpoint.profiles() > 0).reduce((first, second) -> second);
        }
    }

    /** CPU time one task of the personalization job spent over the run, per event put through the job. */
    public record TaskTime(String task, double microsPerEvent) {}

    /**
     * One completed checkpoint of the personalization job.
     *
     * @param stateBytes the full size of the job's state in it (RocksDB files, incremental or not)
     * @param profiles distinct customer and anonymous ids among the events it covers (up to the source offsets it committed)
     */
    public record Checkpoint(long id, Duration duration, long stateBytes, int profiles) {
        public long bytesPerProfile() {
            return stateBytes / Math.max(1, profiles);
        }
    }

    private PipelineBenchmark() {}

    /**
     * @param warmUpEvents how many of the events both jobs first go through untimed, so that the timed runs measure
     *                     compiled code rather than the JIT compiler at work (as a job that has run for a while)
     */
    /**
     * @param segments    how many of {@link #SEGMENTS} the job keeps current (0: none, to measure what they cost)
     * @param experiment  whether the browse tip is tested against a second wording and a holdout
     */
    public static Result run(NudgeConfig config, long events, long warmUpEvents, int customers, int parallelism, int segments, boolean experiment,
                             long seed, Path workDir, PrintWriter progress) throws Exception {
        NudgeConfig bench = BenchData.benchTopics(config).with(NudgeConfig.JOB_PARALLELISM, parallelism)
                .with(NudgeConfig.JOB_CHECKPOINT_INTERVAL, "10s");
        TopicSetup.ensureTopics(bench);
        writeRules(bench);
        writeSegments(bench, segments);
        if (experiment) {
            writeExperiment(bench);
        }
        Written written = writeEvents(bench, events, customers, seed, progress);
        Instant until = written.until();

        TopicSetup.ensureTopic(bench, PASS_THROUGH_TOPIC);
        if (warmUpEvents > 0) {
            // Sessions are spread evenly over event time: a share of the time range holds that share of the events.
            Instant warmUpUntil = TRAFFIC_START.plusMillis((long) ((until.toEpochMilli() - TRAFFIC_START.toEpochMilli())
                    * Math.min(1.0, (double) warmUpEvents / events)));
            progress.printf("warming up both jobs over the first ~%,d events (untimed) ...%n", Math.min(warmUpEvents, events)).flush();
            timed(passThroughJob(passThroughConfig(bench, workDir, "warm-up-"), warmUpUntil));
            NudgeConfig warmUp = personalizationConfig(bench, workDir, "pipeline-warm-up-");
            TopicSetup.ensureTopics(warmUp);
            timed(() -> Replay.fromKafkaWithCatalogue(warmUp, Instant.EPOCH, warmUpUntil).start(FlinkEnvironment.create(warmUp)));
        }

        NudgeConfig passConfig = passThroughConfig(bench, workDir, "");
        progress.printf("pass-through job over %,d events ...%n", events).flush();
        Duration passThrough = timed(passThroughJob(passConfig, until));

        NudgeConfig jobConfig = personalizationConfig(bench, workDir, "pipeline-");
        TopicSetup.ensureTopics(jobConfig);
        progress.printf("personalization job over %,d events ...%n", events).flush();
        int restPort = freePort();
        Configuration flink = FlinkEnvironment.configuration(jobConfig);
        flink.set(RestOptions.BIND_PORT, String.valueOf(restPort));
        AtomicReference<JobClient> job = new AtomicReference<>();
        List<CheckpointWatch.Sample> samples;
        Duration personalization;
        List<TaskTime> tasks;
        try (CheckpointWatch watch = new CheckpointWatch(jobConfig, restPort, job::get); TaskCpu cpu = new TaskCpu()) {
            personalization = timed(() -> {
                job.set(Replay.fromKafkaWithCatalogue(jobConfig, Instant.EPOCH, until).start(StreamExecutionEnvironment.getExecutionEnvironment(flink)));
                return job.get();
            });
            samples = watch.samples();
            tasks = cpu.tasks().stream().map(task -> new TaskTime(task.name(), task.microsPerEvent(events))).toList();
        }
        List<Checkpoint> checkpoints = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            CheckpointWatch.Sample sample = samples.get(i);
            // Counting keys means reading the topic again: only for the last checkpoint, the fullest.
            int profiles = i == samples.size() - 1 ? distinctKeys(jobConfig, sample.committed()) : 0;
            checkpoints.add(new Checkpoint(sample.id(), sample.duration(), sample.stateBytes(), profiles));
        }
        return new Result(events, written.profiles(), passThrough, personalization, checkpoints, tasks);
    }

    private static NudgeConfig passThroughConfig(NudgeConfig bench, Path workDir, String prefix) {
        return bench.with(NudgeConfig.JOB_CONSUMER_GROUP, prefix + "bench-pass-through")
                .with(NudgeConfig.JOB_CHECKPOINT_DIR, workDir.resolve(prefix + "pass-through").toUri());
    }

    /** The personalization job as it runs live (inputs applied on arrival), writing to its own namespace. */
    private static NudgeConfig personalizationConfig(NudgeConfig bench, Path workDir, String prefix) {
        return Replay.namespace(bench, prefix).with(NudgeConfig.JOB_EVENT_TIME_ORDER, false)
                .with(NudgeConfig.JOB_CHECKPOINT_DIR, workDir.resolve(prefix + "personalization").toUri());
    }

    /** The rules a shop would run: cart abandonment (event-time timers) and a browse tip (on events). */
    static void writeRules(NudgeConfig config) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = BenchData.producer(config)) {
            for (TriggerRule rule : List.of(
                    new TriggerRule("cart-abandoned", 1, RuleStatus.ACTIVE, """
                            {"name": "Cart abandoned", "when": {"kind": "absence", "first": {"type": "add_to_cart"}, "absent": {"type": "purchase"},
                             "within": "30m"}, "then": {"channel": "email", "templateId": "cart-reminder", "attachOffer": true}}
                            """, TRAFFIC_START),
                    new TriggerRule("browse-tip", 1, RuleStatus.ACTIVE, """
                            {"name": "Browse tip", "when": {"kind": "count", "event": {"type": "product_view"}, "atLeast": 3, "within": "1h"},
                             "then": {"channel": "web", "templateId": "tip"}}
                            """, TRAFFIC_START))) {
                producer.send(new ProducerRecord<>(config.get(NudgeConfig.TOPIC_RULES), rule.getRuleId().getBytes(StandardCharsets.UTF_8),
                        Codecs.RULES.encode(rule))).get();
            }
        }
    }

    /** The browse tip against a second wording and a 10 % holdout: every customer who earns a tip is exposed. */
    static void writeExperiment(NudgeConfig config) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = BenchData.producer(config)) {
            TriggerRule wording = new TriggerRule("browse-tip-b", 1, RuleStatus.ACTIVE, """
                    {"name": "Browse tip, second wording", "when": {"kind": "count", "event": {"type": "product_view"}, "atLeast": 3, "within": "1h"},
                     "then": {"channel": "web", "templateId": "tip-b"}}
                    """, TRAFFIC_START);
            producer.send(new ProducerRecord<>(config.get(NudgeConfig.TOPIC_RULES), wording.getRuleId().getBytes(StandardCharsets.UTF_8),
                    Codecs.RULES.encode(wording))).get();
            ExperimentDefinition experiment = new ExperimentDefinition("browse-tips", 1, true, """
                    {"name": "Which browse tip", "variants": [{"name": "a", "weight": 45, "rule": "browse-tip"},
                      {"name": "b", "weight": 45, "rule": "browse-tip-b"}, {"name": "holdout", "weight": 10, "holdout": true}]}
                    """, TRAFFIC_START);
            producer.send(new ProducerRecord<>(config.get(NudgeConfig.TOPIC_EXPERIMENTS), experiment.getExperimentId().getBytes(StandardCharsets.UTF_8),
                    Codecs.EXPERIMENTS.encode(experiment))).get();
        }
    }

    /** Segments a shop would keep: a windowed count, a profile condition with a 7-day window, a category's share. */
    static final List<SegmentDefinition> SEGMENTS = List.of(
            new SegmentDefinition("kitchen-browsers", 1, true, """
                    {"name": "Kitchen browsers", "behaviour": [{"event": {"type": "product_view", "where": {"category": "kitchen"}}, "atLeast": 2, "within": "1h"}]}
                    """, TRAFFIC_START),
            new SegmentDefinition("recent-buyers", 1, true, """
                    {"name": "Bought this week", "profile": {"orders": {"atLeast": 1}}, "behaviour": [{"event": {"type": "purchase"}, "atLeast": 1, "within": "7d"}]}
                    """, TRAFFIC_START),
            new SegmentDefinition("garden-fans", 1, true, """
                    {"name": "Garden fans", "profile": {"categoryAffinity": {"garden": 0.5}}}
                    """, TRAFFIC_START));

    static void writeSegments(NudgeConfig config, int count) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = BenchData.producer(config)) {
            for (SegmentDefinition segment : SEGMENTS.subList(0, Math.min(count, SEGMENTS.size()))) {
                producer.send(new ProducerRecord<>(config.get(NudgeConfig.TOPIC_SEGMENTS), segment.getSegmentId().getBytes(StandardCharsets.UTF_8),
                        Codecs.SEGMENTS.encode(segment))).get();
            }
        }
    }

    /** Distinct record keys in the events topic before the given offsets. */
    private static int distinctKeys(NudgeConfig config, Map<TopicPartition, Long> until) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS));
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        Set<String> keys = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.assign(until.keySet());
            consumer.seekToBeginning(until.keySet());
            Set<TopicPartition> open = new HashSet<>(until.keySet());
            open.removeIf(partition -> until.get(partition) == 0);
            while (!open.isEmpty()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() < until.get(partition)) {
                        keys.add(new String(record.key(), StandardCharsets.UTF_8));
                    }
                    if (record.offset() >= until.get(partition) - 1) {
                        open.remove(partition);
                    }
                }
            }
        }
        return keys.size();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    record Written(Instant until, int profiles) {}

    /** Seeded shoppers' sessions, one every 100 ms of event time, as fast as the broker takes them. */
    static Written writeEvents(NudgeConfig config, long count, int customers, long seed, PrintWriter progress) {
        ClickstreamGenerator shoppers = new ClickstreamGenerator(seed, customers);
        Instant latest = TRAFFIC_START;
        Set<String> profiles = new HashSet<>();
        long written = 0;
        try (KafkaProducer<byte[], byte[]> producer = BenchData.producer(config)) {
            for (long session = 0; written < count; session++) {
                for (InteractionEvent event : shoppers.nextSession(TRAFFIC_START.plusMillis(session * 100))) {
                    if (written == count) {
                        break;
                    }
                    String key = ProfileKeys.of(event);
                    profiles.add(key);
                    producer.send(new ProducerRecord<>(config.get(NudgeConfig.TOPIC_EVENTS), null, event.getEventTime().toEpochMilli(),
                            key.getBytes(StandardCharsets.UTF_8), Codecs.EVENTS.encode(event)));
                    latest = event.getEventTime().isAfter(latest) ? event.getEventTime() : latest;
                    if (++written % 100_000 == 0) {
                        progress.printf("\rwriting events: %,d of %,d", written, count).flush();
                    }
                }
            }
        }
        progress.printf("\rwrote %,d events%n", written).flush();
        return new Written(latest.plusMillis(1), profiles.size());
    }

    /** Same source and decoding as the job, valid events written straight back with the changelog sinks' settings. */
    private static JobStart passThroughJob(NudgeConfig config, Instant until) {
        return () -> {
            StreamExecutionEnvironment env = FlinkEnvironment.create(config);
            env.fromSource(Replay.kafkaRange(config, Instant.EPOCH, until), WatermarkStrategy.noWatermarks(), "events")
                    .filter(SourceRecord::isValid)
                    .map(record -> record.event)
                    .returns(InteractionEvent.class)
                    .sinkTo(KafkaEndpoints.eventCopySink(config, PASS_THROUGH_TOPIC));
            return env.executeAsync("nudge-pass-through");
        };
    }

    @FunctionalInterface
    private interface JobStart {
        JobClient start() throws Exception;
    }

    private static Duration timed(JobStart job) throws Exception {
        long started = System.nanoTime();
        job.start().getJobExecutionResult().get();
        return Duration.ofNanos(System.nanoTime() - started);
    }
}
