package io.nudge.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker in KRaft mode (broker and controller in one process), run as a child JVM
 * from the {@code kafka_2.13} artifact's Maven classpath. A separate process keeps the broker's dependencies
 * and memory apart from Flink's and lets fault tests stop and restart it like a real broker.
 *
 * <p>Listeners bind to 127.0.0.1 on free ports, so several brokers (tests, a demo) never collide.
 */
public final class LocalKafkaBroker implements AutoCloseable {

    private static final Duration REAPER_GRACE = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(LocalKafkaBroker.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path dataDir;
    private final int brokerPort;
    private final int controllerPort;
    private final Path configFile;
    private Process process;

    private LocalKafkaBroker(Path dataDir) throws IOException {
        this.dataDir = dataDir.toAbsolutePath();
        this.brokerPort = freePort();
        this.controllerPort = freePort();
        Files.createDirectories(this.dataDir);
        this.configFile = this.dataDir.resolve("server.properties");
        writeConfig();
    }

    /** Formats a fresh log directory under {@code dataDir}, starts the broker and waits until it answers. */
    public static LocalKafkaBroker start(Path dataDir) throws IOException, InterruptedException {
        LocalKafkaBroker broker = new LocalKafkaBroker(dataDir);
        try {
            broker.format();
        } catch (IOException firstAttempt) {
            // Seen rarely on a busy 2-core machine (the formatter exiting early); one fresh attempt, then the error.
            LOG.warn("Formatting failed once, trying again: {}", firstAttempt.getMessage());
            broker.format();
        }
        broker.launch();
        return broker;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    /** Stops the broker process as a crash would, for fault tests. */
    public void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Starts the broker again on the same ports and log directory, after {@link #kill()}. */
    public void restart() throws IOException, InterruptedException {
        kill();
        launch();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private void writeConfig() throws IOException {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("log.dirs", dataDir.resolve("log").toString());
        p.setProperty("num.partitions", "1");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "4");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "4");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("auto.create.topics.enable", "false");
        // Flink's transactional sinks may hold transactions open for a while across checkpoints.
        p.setProperty("transaction.max.timeout.ms", "900000");
        p.setProperty("log.cleaner.backoff.ms", "1000");
        // Records carry their event time as timestamp, and replays and benchmarks write history that is days or
        // years old. Kafka's time-based retention and segment rolling go by those timestamps: with the defaults
        // (7 days) such records would be deleted before the job reads them, and every append would open a new
        // segment. The local broker keeps everything.
        p.setProperty("log.retention.ms", "-1");
        p.setProperty("log.roll.ms", String.valueOf(Long.MAX_VALUE));
        try (Writer out = Files.newBufferedWriter(configFile)) {
            p.store(out, "Nudge local single-node KRaft broker");
        }
    }

    private void format() throws IOException, InterruptedException {
        String clusterId = uuidToKafkaId(UUID.randomUUID());
        Process formatter = javaProcess("kafka.tools.StorageTool", "format", "--ignore-formatted", "-t", clusterId, "-c", configFile.toString())
                .redirectOutput(dataDir.resolve("format.log").toFile())
                .redirectErrorStream(true)
                .start();
        if (!formatter.waitFor(60, TimeUnit.SECONDS) || formatter.exitValue() != 0) {
            formatter.destroyForcibly();
            List<String> log = Files.readAllLines(dataDir.resolve("format.log"));
            throw new IOException("Formatting the Kafka log directory " + dataDir + " failed:\n"
                    + String.join("\n", log.subList(Math.max(0, log.size() - 30), log.size())));
        }
    }

    private void launch() throws IOException, InterruptedException {
        Path log = dataDir.resolve("broker.log");
        process = javaProcess("kafka.Kafka", configFile.toString())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectErrorStream(true)
                .start();
        // Never leave an orphaned broker behind. Shutdown hooks run together, so the reaper first gives an
        // orderly close (the demo's own hook: API, job, then broker) time to finish with the broker still up.
        Process broker = process;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                broker.waitFor(REAPER_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            broker.destroyForcibly();
        }, "kafka-broker-reaper"));
        awaitReady(log);
        LOG.info("Kafka broker (KRaft) ready at {} (data {})", bootstrapServers(), dataDir);
    }

    private void awaitReady(Path log) throws IOException, InterruptedException {
        Properties props = new Properties();
        props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        props.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        try (Admin admin = Admin.create(props)) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IOException("Kafka broker exited with " + process.exitValue() + "; see " + log);
                }
                try {
                    if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | java.util.concurrent.TimeoutException notYet) {
                    // still starting
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new IOException("Kafka broker did not answer within " + START_TIMEOUT.toSeconds() + "s; see " + log);
                }
                Thread.sleep(200);
            }
        }
    }

    private ProcessBuilder javaProcess(String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xms256m");
        command.add("-Xmx768m");
        command.add("-XX:+UseG1GC");
        command.add("-Dlog4j2.configurationFile=" + log4jConfig());
        command.add("-cp");
        command.add(brokerClasspath());
        command.add(mainClass);
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(dataDir.toFile());
    }

    private String log4jConfig() {
        Path file = dataDir.resolve("broker-log4j2.properties");
        try (InputStream in = resource("broker-log4j2.properties")) {
            Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file.toString();
    }

    /** The classpath Maven resolved for {@code kafka_2.13} when this module was built. */
    private static String brokerClasspath() {
        try (InputStream in = resource("broker.classpath")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = LocalKafkaBroker.class.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("Missing resource io/nudge/kafka/" + name + "; build the kafka-local module with Maven");
        }
        return in;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Kafka cluster ids are 16 bytes in URL-safe base64 without padding. */
    private static String uuidToKafkaId(UUID uuid) {
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(16);
        bytes.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
    }
}
