package io.nudge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nudge.config.NudgeConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartition;

/**
 * Follows a running job's checkpoints through Flink's REST API: for each one completed, its duration and full
 * state size, and the source offsets it committed to the job's consumer group (what it covers). A bounded job's
 * checkpoints are deleted when it ends, so they have to be seen while it runs.
 */
final class CheckpointWatch implements AutoCloseable {

    /** @param committed the source offsets the checkpoint committed */
    record Sample(long id, Duration duration, long stateBytes, Map<TopicPartition, Long> committed) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String group;
    private final URI rest;
    private final Supplier<JobClient> job;
    private final Admin admin;
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final Thread poller;
    private volatile boolean running = true;

    /** @param job the job once started (null before) */
    CheckpointWatch(NudgeConfig config, int restPort, Supplier<JobClient> job) {
        this.group = config.get(NudgeConfig.JOB_CONSUMER_GROUP);
        this.rest = URI.create("http://localhost:" + restPort + "/");
        this.job = job;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS)));
        this.poller = new Thread(this::poll, "checkpoint-watch");
        poller.setDaemon(true);
        poller.start();
    }

    List<Sample> samples() {
        return List.copyOf(samples);
    }

    private void poll() {
        long lastId = -1;
        Map<TopicPartition, Long> lastCommitted = Map.of();
        while (running) {
            try {
                Thread.sleep(200);
                JobClient client = job.get();
                if (client == null) {
                    continue;
                }
                JsonNode completed = get("jobs/" + client.getJobID() + "/checkpoints").path("latest").path("completed");
                if (completed.isMissingNode() || completed.isNull() || completed.path("id").asLong() == lastId) {
                    continue;
                }
                lastId = completed.path("id").asLong();
                // The source commits its offsets once told the checkpoint completed: wait for them to move.
                Map<TopicPartition, Long> committed = committed();
                for (int tries = 0; committed.equals(lastCommitted) && tries < 20; tries++) {
                    Thread.sleep(100);
                    committed = committed();
                }
                lastCommitted = committed;
                samples.add(new Sample(lastId, Duration.ofMillis(completed.path("end_to_end_duration").asLong()),
                        completed.path("state_size").asLong(), committed));
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // the job is starting or has just ended; the next poll tells
            }
        }
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(rest.resolve(path)).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    private Map<TopicPartition, Long> committed() throws Exception {
        return committedOffsets(admin, group);
    }

    /** The offsets {@code group} has committed, which a Flink Kafka source does on each completed checkpoint. */
    static Map<TopicPartition, Long> committedOffsets(Admin admin, String group) throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS).entrySet().stream()
                .filter(entry -> entry.getValue() != null)
                .collect(Collectors.toMap(Map.Entry::getKey, entry -> entry.getValue().offset()));
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        poller.interrupt();
        poller.join();
        admin.close();
    }
}
