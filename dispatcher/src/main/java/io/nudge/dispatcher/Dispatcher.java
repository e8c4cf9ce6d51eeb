package io.nudge.dispatcher;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nudge.config.NudgeConfig;
import io.nudge.delivery.Outcome;
import io.nudge.delivery.RetryPolicy;
import io.nudge.schemas.Channel;
import io.nudge.schemas.Codecs;
import io.nudge.schemas.FailedOutreach;
import io.nudge.schemas.OutreachAction;
import io.nudge.schemas.OutreachStatus;
import io.nudge.schemas.UndecodableMessageException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the outreach the job decided: reads the {@code outreach} topic {@code read_committed} (actions of
 * completed checkpoints only), hands each action to be sent to the provider of its channel, and commits the batch's
 * offsets only once every action in it was accepted by its provider or recorded on {@code outreach-failed} with the
 * reason. A restart, or a kill mid-batch, therefore delivers every action at least once; the provider's idempotency
 * key (the action id) makes that exactly once for a receiver that honours it. Retryable failures are tried again
 * with backoff ({@link RetryPolicy}); each provider has its own concurrency and rate ({@link ProviderGate}).
 * Suppressed and deferred actions are the job's records, not messages: they are passed over, as are actions of
 * customers who have since asked to be forgotten.
 */
public final class Dispatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    /** What one action came to. */
    private record Result(OutreachAction action, ProviderGate gate, Outcome outcome, int attempts) {}

    private final NudgeConfig config;
    private final Map<Channel, ProviderGate> gates;
    private final RetryPolicy retries;
    private final Clock clock;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> failedProducer;
    private final ForgottenCustomers forgotten;
    private final Thread thread;
    private final Counter delivered;
    private final Counter failed;
    private final Counter retried;
    private final Counter withheld;
    private final Timer latency;
    private volatile boolean running = true;
    private volatile boolean caughtUp;

    /** @param gates the provider of each channel; a channel without one has its actions recorded as failed */
    public Dispatcher(NudgeConfig config, Map<Channel, ProviderGate> gates, MeterRegistry metrics, Clock clock) {
        this.config = config;
        this.gates = gates;
        this.clock = clock;
        this.retries = new RetryPolicy(config.get(NudgeConfig.DISPATCH_RETRY_ATTEMPTS), config.get(NudgeConfig.DISPATCH_RETRY_INITIAL),
                config.get(NudgeConfig.DISPATCH_RETRY_MAX));
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.get(NudgeConfig.DISPATCH_GROUP));
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
        // A dispatcher that died is replaced within seconds, not the default 45.
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
        // A batch waits for its slowest action's retries: allow for them before the group thinks this member gone.
        props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, String.valueOf(Math.max(300_000L,
                config.get(NudgeConfig.DISPATCH_RETRY_MAX).toMillis() * config.get(NudgeConfig.DISPATCH_RETRY_ATTEMPTS) * 2)));
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS));
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        this.failedProducer = new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer());
        this.forgotten = new ForgottenCustomers(config);
        this.delivered = metrics.counter("nudge_dispatch_delivered");
        this.failed = metrics.counter("nudge_dispatch_failed");
        this.retried = metrics.counter("nudge_dispatch_retries");
        this.withheld = metrics.counter("nudge_dispatch_withheld_forgotten");
        this.latency = Timer.builder("nudge_dispatch_decision_to_delivery").publishPercentileHistogram()
                .serviceLevelObjectives(Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(5)).register(metrics);
        this.thread = new Thread(this::run, "dispatcher");
    }

    public void start() {
        thread.start();
    }

    /** Whether the forgotten customers were read and delivery has begun. */
    public boolean isRunning() {
        return caughtUp && thread.isAlive();
    }

    public long delivered() {
        return (long) delivered.count();
    }

    public long failed() {
        return (long) failed.count();
    }

    private void run() {
        try {
            forgotten.catchUp();
            consumer.subscribe(List.of(config.get(NudgeConfig.TOPIC_OUTREACH)));
            caughtUp = true;
            while (running) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(200));
                forgotten.follow(Duration.ZERO);
                if (!batch.isEmpty()) {
                    deliver(batch);
                    consumer.commitSync();
                }
            }
        } catch (WakeupException | InterruptedException e) {
            if (running) {
                LOG.error("Dispatcher interrupted", e);
            }
        } catch (RuntimeException | ExecutionException e) {
            LOG.error("Dispatcher stopped; its uncommitted batch is delivered again on restart", e);
        } finally {
            consumer.close();
            forgotten.close();
        }
    }

    /** Every action of the batch to its provider, and the failed ones to the failed topic; returns when all are done. */
    private void deliver(ConsumerRecords<byte[], byte[]> batch) throws InterruptedException, ExecutionException {
        List<Future<Result>> pending = new ArrayList<>();
        List<Result> done = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : batch) {
            OutreachAction action;
            try {
                action = Codecs.OUTREACH.decode(record.value());
            } catch (UndecodableMessageException e) {
                LOG.warn("Skipping an undecodable outreach action at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
                continue;
            }
            if (action.getStatus() != OutreachStatus.SEND) {
                continue;
            }
            if (forgotten.contains(action.getCustomerId())) {
                withheld.increment();
                continue;
            }
            ProviderGate gate = gates.get(action.getChannel());
            if (gate == null) {
                done.add(new Result(action, null, new Outcome.Failed("no provider for the " + action.getChannel().name().toLowerCase(java.util.Locale.ROOT)
                        + " channel (dispatch." + action.getChannel().name().toLowerCase(java.util.Locale.ROOT) + "=none)"), 0));
            } else {
                pending.add(gate.submit(() -> deliverWithRetries(gate, action)));
            }
        }
        for (Future<Result> result : pending) {
            done.add(result.get());
        }
        List<Future<?>> failures = new ArrayList<>();
        for (Result result : done) {
            if (result.outcome() instanceof Outcome.Failed why) {
                failed.increment();
                FailedOutreach record = new FailedOutreach(result.action(), result.gate() == null ? "none" : result.gate().provider().name(),
                        why.reason(), result.attempts(), clock.instant());
                failures.add(failedProducer.send(new ProducerRecord<>(config.get(NudgeConfig.TOPIC_OUTREACH_FAILED),
                        result.action().getActionId().getBytes(StandardCharsets.UTF_8), Codecs.FAILED_OUTREACH.encode(record))));
            } else {
                delivered.increment();
                latency.record(Duration.between(result.action().getDecidedAt(), clock.instant()));
            }
        }
        for (Future<?> failure : failures) {
            failure.get(); // recorded before the batch is committed
        }
    }

    private Result deliverWithRetries(ProviderGate gate, OutreachAction action) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            Outcome outcome = gate.tryOnce(action);
            if (!(outcome instanceof Outcome.Retry retry)) {
                return new Result(action, gate, outcome, attempt);
            }
            if (!retries.triesAgainAfter(attempt)) {
                return new Result(action, gate, new Outcome.Failed("gave up after " + attempt + " tries: " + retry.reason()), attempt);
            }
            retried.increment();
            TimeUnit.MILLISECONDS.sleep(retries.delayAfter(attempt, retry.retryAfter(), ThreadLocalRandom.current()).toMillis());
        }
    }

    /** Finishes the batch in hand, commits it, and stops. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(Duration.ofSeconds(30).toMillis());
        if (thread.isAlive()) {
            consumer.wakeup();
            thread.interrupt();
            thread.join(5_000);
        }
        gates.values().stream().distinct().forEach(ProviderGate::close);
        failedProducer.close(Duration.ofSeconds(5));
    }
}
