package io.nudge.cli;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nudge.config.NudgeConfig;
import io.nudge.crosssell.CoOccurrences;
import io.nudge.flink.FlinkDistribution;
import io.nudge.flink.StandaloneFlinkCluster;
import io.nudge.job.KafkaEndpoints;
import io.nudge.job.PersonalizationJob;
import io.nudge.schemas.Codecs;
import io.nudge.schemas.ItemAssociations;
import io.nudge.schemas.ExperimentOutcome;
import io.nudge.schemas.OutcomeKind;
import io.nudge.schemas.OutreachAction;
import io.nudge.schemas.OutreachStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults under load, on the real broker and MiniCluster. The job killed mid-stream and restored from its last
 * checkpoint; the Kafka broker stopped and restarted; the serving API restarted. Afterwards a read_committed
 * reader must see every expected outreach action exactly once (none lost, none repeated by a replay), and every
 * event a client was told was accepted must be in its customer's profile exactly once.
 */
class FaultToleranceIT {

    private static final int CUSTOMERS = 600;
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path workDir;

    @Test
    void everyActionIsCommittedExactlyOnceAcrossAKillAndRestore() throws Exception {
        try (LocalStack stack = LocalStack.start(workDir, NudgeConfig.defaults()
                .with(NudgeConfig.HTTP_PORT, 0)
                .with(NudgeConfig.JOB_CHECKPOINT_INTERVAL, "1s")
                .with(NudgeConfig.EVENTS_SOURCE_IDLE_TIMEOUT, "1s"))) {
            String base = "http://127.0.0.1:" + stack.api().port();
            send(base + "/v1/admin/rules", stack.api().adminKey(), """
                    {"ruleId": "cart-tip", "name": "Tip on every cart", "when": {"kind": "event", "event": {"type": "add_to_cart"}},
                     "then": {"channel": "web", "templateId": "tip"}}
                    """, 201);
            LiveRules.awaitFiring(base, stack.api().siteKey(), LiveRules::cart, List.of(stack.api()), DEADLINE);

            AtomicInteger sent = new AtomicInteger();
            ScheduledExecutorService shoppers = Executors.newSingleThreadScheduledExecutor();
            shoppers.scheduleAtFixedRate(() -> {
                int i = sent.get();
                if (i < CUSTOMERS) {
                    send(base + "/v1/events", stack.api().siteKey(), "{\"type\":\"add_to_cart\",\"customerId\":\"shopper-" + i
                            + "\",\"itemId\":\"lamp\",\"quantity\":1}", 202);
                    sent.incrementAndGet();
                }
            }, 0, 20, TimeUnit.MILLISECONDS);
            try {
                awaitCommitted(stack, 50, false);
                assertTrue(sent.get() < CUSTOMERS, "the kill must come mid-stream");
                long restartStarted = System.nanoTime();
                Path checkpoint = stack.restartJobFromLatestCheckpoint();
                System.out.printf("[measured] killed after %d events sent; restored from %s in %d ms%n", sent.get(),
                        checkpoint.getFileName(), (System.nanoTime() - restartStarted) / 1_000_000);
            } finally {
                awaitSent(sent);
                shoppers.shutdownNow();
            }

            Map<String, Integer> committed = awaitCommitted(stack, CUSTOMERS, true);
            assertEquals(CUSTOMERS, committed.size());
            committed.forEach((actionId, copies) -> assertEquals(1, copies, actionId + " committed " + copies + " times"));
        }
    }

    @Test
    void everyEventAndActionCountsOnceAcrossATaskFailure() throws Exception {
        int customers = 200;
        try (LocalStack stack = stackWithCartRule(FaultToleranceIT::failingOnceAfter150Profiles)) {
            startShadeTipExperiment(stack);

            AtomicInteger shoppersDone = new AtomicInteger();
            java.util.concurrent.atomic.AtomicReference<Throwable> trafficFailure = new java.util.concurrent.atomic.AtomicReference<>();
            Thread traffic = shoppers(stack, customers, shoppersDone, new AtomicInteger(), trafficFailure);
            traffic.join(DEADLINE.toMillis());
            if (trafficFailure.get() != null) {
                throw new AssertionError("the shoppers' client failed", trafficFailure.get());
            }
            assertTrue(FailingOnceSink.FAILED_AT.get() != 0, "the task failure was injected");

            Map<String, Integer> committed = awaitCommitted(stack, customers, true);
            committed.forEach((actionId, copies) -> assertEquals(1, copies, actionId + " committed " + copies + " times"));
            long allVisible = ServedProfiles.awaitSequences(() -> "http://127.0.0.1:" + stack.api().port(), stack.api().siteKey(),
                    IntStream.range(0, customers).boxed().collect(Collectors.toMap(i -> "shopper-" + i, i -> 3L)), DEADLINE);
            assertEquals(org.apache.flink.api.common.JobStatus.RUNNING, stack.jobStatus(), "Flink restarted the job by itself");
            // Item pairs are counted in the task that finds them and sent on at watermarks and barriers: each
            // shopper's pair must reach the learner once, across the failure.
            assertEquals(customers * CoOccurrences.VIEWED_TOGETHER, awaitAssociation(stack, "lamp", "shade", customers * CoOccurrences.VIEWED_TOGETHER),
                    0.1, "every shopper's lamp-and-shade pair learned once: none lost, none repeated");
            System.out.printf("[measured] task failure injected; all %d profiles exact %d ms later, every action once%n", customers,
                    (allVisible - FailingOnceSink.FAILED_AT.get()) / 1_000_000);

            // The experiment's outcomes, across the failure: one exposure per customer given one of its tips, in that tip's variant.
            Map<String, Set<String>> tipsOf = new HashMap<>();
            for (byte[] value : committed(stack, NudgeConfig.TOPIC_OUTREACH)) {
                OutreachAction action = decode(value);
                if (action.getRuleId().startsWith("shade-tip-") && action.getStatus() == OutreachStatus.SEND) {
                    tipsOf.computeIfAbsent(action.getCustomerId(), c -> new java.util.HashSet<>()).add(action.getRuleId());
                }
            }
            IntStream.range(0, customers).forEach(i -> assertEquals(1, tipsOf.getOrDefault("shopper-" + i, Set.of()).size(),
                    "shopper-" + i + " got their variant's tip only: " + tipsOf.get("shopper-" + i)));
            Map<String, Long> expected = tipsOf.values().stream().filter(tips -> tips.size() == 1) // both: before the job knew the experiment
                    .collect(Collectors.groupingBy(tips -> tips.iterator().next().substring("shade-tip-".length()), Collectors.counting()));
            Map<String, Long> exposed = new HashMap<>();
            for (byte[] value : committed(stack, NudgeConfig.TOPIC_EXPERIMENT_OUTCOMES)) {
                ExperimentOutcome outcome = Codecs.EXPERIMENT_OUTCOMES.decode(value);
                if (outcome.getKind() == OutcomeKind.EXPOSURE) {
                    exposed.merge(outcome.getVariant(), 1L, Long::sum);
                }
            }
            assertEquals(expected, exposed, "each customer exposed once, in the variant whose tip they got");
        }
    }

    /**
     * The job at parallelism 4 on a standalone cluster (a JobManager and two TaskManagers, each its own JVM,
     * submitted as the job jar with flink run). One TaskManager is killed under load and, as a supervisor would,
     * started again; Flink restores the job from its last checkpoint onto the slots it has.
     */
    @Test
    void everyEventAndActionCountsOnceWhenATaskManagerIsKilled() throws Exception {
        int customers = 300;
        StandaloneFlinkCluster cluster = StandaloneFlinkCluster.start(FlinkDistribution.builtIn(Path.of("")),
                StandaloneFlinkCluster.Layout.DEFAULT, workDir.resolve("flink"), workDir.resolve("checkpoints").toUri());
        try (LocalStack stack = stackWithCartRule(JobLauncher.standalone(cluster), 4); KeptLogs logs = new KeptLogs(cluster.logDirectory(), "flink-cluster-logs")) {
            AtomicInteger shoppersDone = new AtomicInteger();
            java.util.concurrent.atomic.AtomicReference<Throwable> trafficFailure = new java.util.concurrent.atomic.AtomicReference<>();
            Thread traffic = shoppers(stack, customers, shoppersDone, new AtomicInteger(), trafficFailure);

            awaitAtLeast(shoppersDone, customers / 3);
            org.apache.flink.api.common.JobID job = stack.jobId();
            assertTrue(cluster.allTasksRunning(job), "every task running before the kill");
            cluster.killTaskManager(1);
            long killed = System.nanoTime();
            cluster.startTaskManager(1);
            long noticed = awaitTasks(cluster, job, false);
            long recovered = awaitTasks(cluster, job, true);

            traffic.join(DEADLINE.toMillis());
            if (trafficFailure.get() != null) {
                throw new AssertionError("the shoppers' client failed", trafficFailure.get());
            }
            Map<String, Integer> committed = awaitCommitted(stack, customers, true);
            committed.forEach((actionId, copies) -> assertEquals(1, copies, actionId + " committed " + copies + " times"));
            long allVisible = ServedProfiles.awaitSequences(() -> "http://127.0.0.1:" + stack.api().port(), stack.api().siteKey(),
                    IntStream.range(0, customers).boxed().collect(Collectors.toMap(i -> "shopper-" + i, i -> 3L)), DEADLINE);
            assertTrue(cluster.allTasksRunning(job), "the job runs on after the recovery");
            System.out.printf("[measured] TaskManager killed at parallelism 4 (%d of %d shoppers done): noticed after %d ms, all tasks "
                            + "running again after %d ms; all %d profiles exact %d ms after the kill, every action once%n",
                    shoppersDone.get() < customers ? shoppersDone.get() : customers / 3, customers, (noticed - killed) / 1_000_000,
                    (recovered - killed) / 1_000_000, customers, (allVisible - killed) / 1_000_000);
        }
    }

    /** Copies the cluster's logs to target/ when the test ends: the temporary directory goes, the logs stay for CI. */
    private record KeptLogs(Path from, String name) implements AutoCloseable {
        @Override
        public void close() throws java.io.IOException {
            Path to = Path.of("target", name);
            Files.createDirectories(to);
            try (var files = Files.list(from)) {
                for (Path file : files.filter(file -> file.toString().endsWith(".log") || file.toString().endsWith(".out")).toList()) {
                    Files.copy(file, to.resolve(file.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** Polls the cluster until every task of {@code job} is (or, with false, no longer every task is) running. */
    private static long awaitTasks(StandaloneFlinkCluster cluster, org.apache.flink.api.common.JobID job, boolean running) {
        Awaitility.await(running ? "every task running again" : "tasks interrupted").atMost(DEADLINE).pollInterval(Duration.ofMillis(50))
                .until(() -> cluster.allTasksRunning(job) == running);
        return System.nanoTime();
    }

    /** The local stack with fixed keys and a rule sending a tip on every cart, once the rule is live. */
    private LocalStack stackWithCartRule(java.util.function.Function<NudgeConfig, PersonalizationJob> jobs) throws Exception {
        return stackWithCartRule(JobLauncher.miniCluster(jobs), 1);
    }

    private LocalStack stackWithCartRule(JobLauncher jobs, int parallelism) throws Exception {
        LocalStack stack = LocalStack.start(workDir, NudgeConfig.defaults()
                .with(NudgeConfig.HTTP_PORT, 0)
                .with(NudgeConfig.API_ADMIN_KEY, "fault-admin-key")
                .with(NudgeConfig.API_SITE_KEYS, "shop=fault-site-key")
                .with(NudgeConfig.JOB_PARALLELISM, parallelism)
                .with(NudgeConfig.TOPIC_PARTITIONS, Math.max(parallelism, NudgeConfig.defaults().get(NudgeConfig.TOPIC_PARTITIONS)))
                .with(NudgeConfig.JOB_CHECKPOINT_INTERVAL, "1s")
                .with(NudgeConfig.EVENTS_SOURCE_IDLE_TIMEOUT, "1s")
                // The test is one client at one address, sending every shopper's events and checking every profile.
                .with(NudgeConfig.API_RATE_LIMIT_ADDRESS, 100_000), jobs);
        try {
            send("http://127.0.0.1:" + stack.api().port() + "/v1/admin/rules", stack.api().adminKey(), """
                    {"ruleId": "cart-tip", "name": "Tip on every cart", "when": {"kind": "event", "event": {"type": "add_to_cart"}},
                     "then": {"channel": "web", "templateId": "tip"}}
                    """, 201);
            LiveRules.awaitFiring("http://127.0.0.1:" + stack.api().port(), stack.api().siteKey(), LiveRules::cart, List.of(stack.api()), DEADLINE);
            return stack;
        } catch (Exception | AssertionError e) {
            stack.close();
            throw e;
        }
    }

    /**
     * Two wordings of a tip on viewing a shade, split half and half, started before the shoppers: probe visitors view
     * shades until the job exposes one (the experiment has reached it).
     */
    private void startShadeTipExperiment(LocalStack stack) {
        String base = "http://127.0.0.1:" + stack.api().port();
        for (String variant : List.of("a", "b")) {
            send(base + "/v1/admin/rules", stack.api().adminKey(), """
                    {"ruleId": "shade-tip-%s", "name": "Shade tip %s", "when": {"kind": "event", "event": {"type": "product_view", "where": {"itemId": "shade"}}},
                     "then": {"channel": "web", "templateId": "shade-%s"}}
                    """.formatted(variant, variant, variant), 201);
        }
        send(base + "/v1/admin/experiments", stack.api().adminKey(), """
                {"experimentId": "shade-tips", "name": "Which shade tip", "variants": [{"name": "a", "weight": 1, "rule": "shade-tip-a"},
                  {"name": "b", "weight": 1, "rule": "shade-tip-b"}]}
                """, 201);
        AtomicInteger probe = new AtomicInteger();
        Awaitility.await("the job to expose a shade viewer").atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).until(() -> {
            send(base + "/v1/events", stack.api().siteKey(), "{\"type\":\"product_view\",\"customerId\":\"probe-" + probe.getAndIncrement()
                    + "\",\"itemId\":\"shade\"}", 202);
            HttpResponse<String> report = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/admin/experiments/shade-tips"))
                    .header("Authorization", "Bearer " + stack.api().adminKey()).build(), HttpResponse.BodyHandlers.ofString());
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(report.body()).path("experiment").path("exposed").asInt() > 0;
        });
    }

    /** Every committed record of a topic, read until two seconds pass without more. */
    private static List<byte[]> committed(LocalStack stack, io.nudge.config.Setting<String> topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.config().get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "committed-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<byte[]> values = new java.util.ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(stack.config().get(topic)));
            for (int quiet = 0; quiet < 10; ) {
                var records = consumer.poll(Duration.ofMillis(200));
                quiet = records.isEmpty() ? quiet + 1 : 0;
                records.forEach(record -> values.add(record.value()));
            }
        }
        return values;
    }

    /** The job as it runs, but its profiles sink throws once, after 150 records (warm-up included). */
    private static PersonalizationJob failingOnceAfter150Profiles(NudgeConfig config) {
        PersonalizationJob.Sinks sinks = KafkaEndpoints.sinks(config);
        return new PersonalizationJob(KafkaEndpoints.eventSource(config), KafkaEndpoints.rulesAndOffersSource(config), KafkaEndpoints.itemsSource(config),
                KafkaEndpoints.contactOutcomesSource(config), new PersonalizationJob.Sinks(new FailingOnceSink<>(sinks.profiles(), 150), sinks.associations(), sinks.trending(),
                        sinks.outreach(), sinks.segmentChanges(), sinks.experimentOutcomes(), sinks.deadLetters()), config);
    }

    /**
     * A well-behaved client: each shopper views a lamp and a shade (a pair of items viewed together) and puts the
     * lamp in the cart, retrying 503s and refused connections.
     */
    private Thread shoppers(LocalStack stack, int customers, AtomicInteger done, AtomicInteger retries,
                            java.util.concurrent.atomic.AtomicReference<Throwable> failure) {
        Thread traffic = new Thread(() -> {
            for (int i = 0; i < customers; i++) {
                String customer = "\"customerId\":\"shopper-" + i + "\"";
                postUntilAccepted(stack, "{\"type\":\"product_view\"," + customer + ",\"itemId\":\"lamp\"}", retries);
                postUntilAccepted(stack, "{\"type\":\"product_view\"," + customer + ",\"itemId\":\"shade\"}", retries);
                postUntilAccepted(stack, "{\"type\":\"add_to_cart\"," + customer + ",\"itemId\":\"lamp\",\"quantity\":1}", retries);
                done.incrementAndGet();
                pause(Duration.ofMillis(20));
            }
        }, "shoppers");
        traffic.setUncaughtExceptionHandler((thread, error) -> failure.set(error));
        traffic.start();
        return traffic;
    }

    @Test
    void everyEventAndActionCountsOnceAcrossABrokerRestartAndAnApiRestart() throws Exception {
        int customers = 300;
        try (LocalStack stack = stackWithCartRule(PersonalizationJob::onKafka)) {

            AtomicInteger shoppersDone = new AtomicInteger();
            AtomicInteger retries = new AtomicInteger();
            java.util.concurrent.atomic.AtomicReference<Throwable> trafficFailure = new java.util.concurrent.atomic.AtomicReference<>();
            Thread traffic = shoppers(stack, customers, shoppersDone, retries, trafficFailure);

            awaitAtLeast(shoppersDone, customers / 3);
            stack.broker().kill();
            long down = System.nanoTime();
            int doneWhenDown = shoppersDone.get();
            pause(Duration.ofSeconds(5));
            stack.broker().restart();
            long up = System.nanoTime();
            awaitAtLeast(shoppersDone, doneWhenDown + 1);
            long firstAcceptedAfter = System.nanoTime();

            awaitAtLeast(shoppersDone, 2 * customers / 3);
            Duration apiRestart = stack.restartApi();
            traffic.join(DEADLINE.toMillis());
            if (trafficFailure.get() != null) {
                throw new AssertionError("the shoppers' client failed", trafficFailure.get());
            }
            assertEquals(customers, shoppersDone.get(), "every shopper's events accepted");

            Map<String, Integer> committed = awaitCommitted(stack, customers, true);
            committed.forEach((actionId, copies) -> assertEquals(1, copies, actionId + " committed " + copies + " times"));
            long allVisible = ServedProfiles.awaitSequences(() -> "http://127.0.0.1:" + stack.api().port(), stack.api().siteKey(),
                    IntStream.range(0, customers).boxed().collect(Collectors.toMap(i -> "shopper-" + i, i -> 3L)), DEADLINE);
            assertEquals(org.apache.flink.api.common.JobStatus.RUNNING, stack.jobStatus(), "the job rode out the broker's absence");
            System.out.printf("[measured] broker killed, restarted and ready after %d ms; first event accepted %d ms after its restart; %d requests retried; "
                            + "API restart to ready %d ms; all %d profiles exact %d ms after the broker restart%n",
                    (up - down) / 1_000_000, (firstAcceptedAfter - up) / 1_000_000, retries.get(), apiRestart.toMillis(),
                    customers, (allVisible - up) / 1_000_000);
        }
    }

    private void postUntilAccepted(LocalStack stack, String body, AtomicInteger retries) {
        // Each try is a client's retry: it honours the API's Retry-After, as a real client would.
        Awaitility.await("accepted: " + body).atMost(DEADLINE).pollInSameThread().pollInterval(Duration.ofMillis(1)).until(() -> {
            int port = stack.api().port();
            if (port <= 0) { // the API is being restarted: no port until the new one listens
                pause(Duration.ofMillis(200));
                return false;
            }
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/events"))
                        .header("Content-Type", "application/json").header("Authorization", "Bearer " + stack.api().siteKey())
                        .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 202) {
                    return true;
                }
                assertEquals(503, response.statusCode(), "only 'retry later' may refuse a valid event: " + response.body());
                // The API's own 503 says when to come back; a stopping API's server refuses without saying.
                pause(Duration.ofSeconds(Long.parseLong(response.headers().firstValue("Retry-After").orElse("1"))));
            } catch (java.io.IOException apiRestarting) {
                pause(Duration.ofMillis(200));
            }
            retries.incrementAndGet();
            return false;
        });
    }


    private static void awaitAtLeast(AtomicInteger counter, int value) {
        Awaitility.await("at least " + value).atMost(DEADLINE).pollInterval(Duration.ofMillis(20)).untilAtomic(counter, greaterThanOrEqualTo(value));
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitSent(AtomicInteger sent) {
        Awaitility.await("all shoppers' events sent").atMost(DEADLINE).pollInterval(Duration.ofMillis(50)).untilAtomic(sent, equalTo(CUSTOMERS));
    }

    /**
     * The weight the latest published associations of {@code item} give {@code other}, once it reaches
     * {@code expected} or the deadline passes. Event time is moved a minute on (one event of another visitor), so
     * that the watermark closes every publish interval of the test's events.
     */
    private double awaitAssociation(LocalStack stack, String item, String other, double expected) {
        send("http://127.0.0.1:" + stack.api().port() + "/v1/events", stack.api().siteKey(), "{\"type\":\"page_view\",\"anonymousId\":\"clock\",\"eventTime\":\""
                + java.time.Instant.now().plusSeconds(60) + "\"}", 202);
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.config().get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "associations-check-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        long[] sequence = {-1};
        double[] weight = {0};
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(stack.config().get(NudgeConfig.TOPIC_ASSOCIATIONS)));
            Awaitility.await(item + " and " + other + " going together with weight " + expected).atMost(DEADLINE)
                    .pollInSameThread().pollInterval(Duration.ofMillis(1)).until(() -> {
                        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                            ItemAssociations associations = Codecs.ASSOCIATIONS.decode(record.value());
                            if (associations.getItemId().equals(item) && associations.getSequence() > sequence[0]) {
                                sequence[0] = associations.getSequence();
                                weight[0] = associations.getNeighbours().getOrDefault(other, 0.0);
                            }
                        }
                        return Math.abs(weight[0] - expected) <= 0.01;
                    });
        }
        return weight[0];
    }

    /**
     * Reads the whole outreach topic read_committed until {@code expected} distinct sent actions are there (and,
     * when {@code settle}, until two seconds pass without more, so late duplicates would show); copies per action id.
     */
    private static Map<String, Integer> awaitCommitted(LocalStack stack, int expected, boolean settle) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.config().get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "exactly-once-check-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, Integer> copies = new HashMap<>();
        Map<String, String> otherStatuses = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(stack.config().get(NudgeConfig.TOPIC_OUTREACH)));
            int[] quietPolls = {0};
            try {
                Awaitility.await(expected + " committed actions").atMost(DEADLINE).pollInSameThread().pollInterval(Duration.ofMillis(1))
                        .until(() -> {
                            var records = consumer.poll(Duration.ofMillis(200));
                            quietPolls[0] = records.isEmpty() ? quietPolls[0] + 1 : 0;
                            for (ConsumerRecord<byte[], byte[]> record : records) {
                                OutreachAction action = decode(record.value());
                                if (action.getStatus() == OutreachStatus.SEND && action.getCustomerId().startsWith("shopper-")) {
                                    copies.merge(action.getActionId(), 1, Integer::sum);
                                } else {
                                    otherStatuses.put(action.getCustomerId(), action.getStatus() + ": " + action.getReason());
                                }
                            }
                            return copies.size() >= expected && (!settle || quietPolls[0] >= 10);
                        });
            } catch (ConditionTimeoutException notAllYet) {
                // said below, with what a read_uncommitted reader sees of the missing ones
            }
        }
        if (copies.size() < expected) {
            Set<String> customers = copies.keySet().stream().map(id -> id.split(":")[2]).collect(Collectors.toSet());
            List<String> missing = IntStream.range(0, CUSTOMERS).mapToObj(i -> "shopper-" + i).filter(id -> !customers.contains(id)).toList();
            throw new AssertionError("only " + copies.size() + " of " + expected + " actions committed within " + DEADLINE + "; missing "
                    + missing + "; uncommitted or aborted: " + uncommitted(stack, missing) + "; other statuses: " + otherStatuses);
        }
        return copies;
    }

    /** For a failure report: what a read_uncommitted reader sees for these customers, with partition and offset. */
    private static List<String> uncommitted(LocalStack stack, List<String> customers) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.config().get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "exactly-once-diagnosis-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        List<String> found = new java.util.ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(stack.config().get(NudgeConfig.TOPIC_OUTREACH)));
            for (int quiet = 0; quiet < 10; ) {
                var records = consumer.poll(Duration.ofMillis(200));
                quiet = records.isEmpty() ? quiet + 1 : 0;
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    OutreachAction action = decode(record.value());
                    if (customers.contains(action.getCustomerId())) {
                        found.add(action.getCustomerId() + "@" + record.partition() + ":" + record.offset());
                    }
                }
            }
        }
        return found;
    }

    private static OutreachAction decode(byte[] value) {
        try {
            return Codecs.OUTREACH.decode(value);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private void send(String url, String key, String body, int expectedStatus) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            request.header("Authorization", "Bearer " + key);
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(expectedStatus, response.statusCode(), response.body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
