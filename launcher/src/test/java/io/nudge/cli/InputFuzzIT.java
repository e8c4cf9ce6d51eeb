package io.nudge.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.config.NudgeConfig;
import io.nudge.schemas.Codecs;
import io.nudge.schemas.DeadLetter;
import io.nudge.schemas.EventType;
import io.nudge.schemas.InteractionEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random and mutated input, interleaved with valid events, into the whole stack: as HTTP requests (JSON that is
 * malformed, mistyped, out of range, oddly encoded, oversized, in batches) and as raw records on the events topic
 * (garbage bytes, truncated or corrupted Avro, well-formed Avro of invalid events). Afterwards: no request got a
 * 5xx, every invalid request a 4xx with a JSON error, every bad record a dead letter with its reason and bytes,
 * every valid event is in its customer's profile, and the job still runs.
 *
 * <p>Seeded and bounded for CI; a longer run: {@code NUDGE_FUZZ_REQUESTS=20000 NUDGE_FUZZ_SEED=7 mvn -pl launcher
 * verify -Dtest=InputFuzzIT -Dsurefire.failIfNoSpecifiedTests=false} (after {@code mvn install -DskipTests}).
 */
class InputFuzzIT {

    private static final long SEED = Long.parseLong(System.getenv().getOrDefault("NUDGE_FUZZ_SEED", "20261127"));
    private static final int REQUESTS = Integer.parseInt(System.getenv().getOrDefault("NUDGE_FUZZ_REQUESTS", "1200"));
    private static final int RECORDS = REQUESTS / 4;
    private static final int CUSTOMERS = 40;
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private final Random random = new Random(SEED);
    /** Valid events sent per profile key: what each profile must show. */
    private final Map<String, Integer> expected = new TreeMap<>();

    @TempDir
    Path workDir;

    @Test
    void noInputCrashesTheStackOrIsLostAndEveryValidEventCounts() throws Exception {
        // One test client sends the whole campaign from one address, as fast as the stack answers.
        try (LocalStack stack = LocalStack.start(workDir, NudgeConfig.defaults().with(NudgeConfig.HTTP_PORT, 0)
                .with(NudgeConfig.JOB_CHECKPOINT_INTERVAL, "1s").with(NudgeConfig.API_RATE_LIMIT_ADDRESS, 100_000))) {
            String base = "http://127.0.0.1:" + stack.api().port();
            String key = stack.api().siteKey();
            int[] outcomes = new int[5]; // accepted, batch, rejected with 400, refused with 413, server error
            for (int i = 0; i < REQUESTS; i++) {
                outcomes[fuzzRequest(base, key)]++;
            }
            Map<Long, byte[]> deadLetters = fuzzRecords(stack.config());
            System.out.printf("[measured] fuzz seed %d: %d requests (%d accepted, %d batches, %d rejected 400, %d 413), %d raw records "
                    + "(%d bad), %d valid events for %d profiles%n", SEED, REQUESTS, outcomes[0], outcomes[1], outcomes[2], outcomes[3],
                    RECORDS, deadLetters.size(), expected.values().stream().mapToInt(Integer::intValue).sum(), expected.size());

            assertEquals(0, outcomes[4], "no request may fail with a server error");
            assertEveryBadRecordIsADeadLetter(stack.config(), deadLetters);
            ServedProfiles.awaitSequences(() -> base, key, expected.entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, customer -> (long) customer.getValue())), DEADLINE);
            assertEquals(JobStatus.RUNNING, stack.jobStatus());
        }
    }

    // ---- HTTP ----

    /** Sends one random request and checks its answer; returns its outcome class. */
    private int fuzzRequest(String base, String key) throws Exception {
        int kind = random.nextInt(20);
        if (kind == 0) {
            return checkBatch(base, key);
        }
        if (kind == 1) {
            HttpResponse<String> response = post(base, key, "{\"type\":\"page_view\",\"customerId\":\"fuzz-0\",\"page\":\"" + "y".repeat(70_000) + "\"}");
            assertEquals(413, response.statusCode(), "a body over http.max.body.bytes");
            return 3;
        }
        Mutated event = mutated();
        HttpResponse<String> response = post(base, key, event.body());
        return checkSingle(event, response);
    }

    private int checkSingle(Mutated event, HttpResponse<String> response) throws Exception {
        if (response.statusCode() >= 500) {
            System.out.println("5xx for " + event.body() + ": " + response.body());
            return 4;
        }
        if (event.profileKey() != null) {
            assertEquals(202, response.statusCode(), "valid (" + event.how() + "): " + event.body() + " -> " + response.body());
            expected.merge(event.profileKey(), 1, Integer::sum);
            return 0;
        }
        assertEquals(400, response.statusCode(), "invalid (" + event.how() + "): " + event.body() + " -> " + response.body());
        JsonNode error = json.readTree(response.body());
        assertTrue(error.path("error").asText().length() > 0, "a JSON error naming the problem: " + response.body());
        return 2;
    }

    private int checkBatch(String base, String key) throws Exception {
        List<Mutated> events = new ArrayList<>();
        StringBuilder body = new StringBuilder("[");
        for (int i = 0, n = 1 + random.nextInt(6); i < n; i++) {
            Mutated event = mutated();
            if (event.how().equals("malformed JSON")) {
                i--;
                continue; // one malformed element makes the whole body unreadable, which is the single-request case
            }
            events.add(event);
            body.append(i == 0 ? "" : ",").append(event.body());
        }
        HttpResponse<String> response = post(base, key, body.append("]").toString());
        if (response.statusCode() >= 500) {
            System.out.println("5xx for " + body + ": " + response.body());
            return 4;
        }
        boolean anyValid = events.stream().anyMatch(event -> event.profileKey() != null);
        assertEquals(anyValid ? 200 : 400, response.statusCode(), body + " -> " + response.body());
        JsonNode results = json.readTree(response.body()).get("results");
        for (int i = 0; i < events.size(); i++) {
            Mutated event = events.get(i);
            String status = results.get(i).get("status").asText();
            assertEquals(event.profileKey() != null ? "accepted" : "rejected", status, "batch element " + i + " (" + event.how() + "): " + event.body());
            if (event.profileKey() != null) {
                expected.merge(event.profileKey(), 1, Integer::sum);
            } else {
                assertTrue(results.get(i).get("fields").size() > 0, "a rejected element names its fields: " + response.body());
            }
        }
        return 1;
    }

    /** An event as JSON text, valid or broken in one way; {@code profileKey} is where a valid one must land, else null. */
    private record Mutated(String body, String how, String profileKey) {}

    private Mutated mutated() {
        ObjectNode event = validEvent();
        String customer = event.get("customerId").asText();
        switch (random.nextInt(16)) {
            case 0, 1, 2, 3 -> {
                return new Mutated(event.toString(), "valid", customer);
            }
            case 4 -> {
                String exotic = customer + "-" + pick("ü", "日本", "😀", "ß", "Ω", "\u200d");
                event.put("customerId", exotic);
                return new Mutated(event.toString(), "valid unusual id", exotic);
            }
            case 5 -> {
                event.remove(pick("type", "customerId"));
                return new Mutated(event.toString(), "missing required field", null);
            }
            case 6 -> {
                event.put("type", pick("teleport", "", "PRODUCT VIEW", "forget"));
                return new Mutated(event.toString(), "bad type", null);
            }
            case 7 -> {
                event.put("type", "add_to_cart");
                event.put("itemId", "item-1");
                event.put("price", random.nextBoolean() ? -1 - random.nextInt(100) : 1e7 + random.nextInt(1000));
                return new Mutated(event.toString(), "absurd price", null);
            }
            case 8 -> {
                event.put("type", "add_to_cart");
                event.put("itemId", "item-1");
                event.put("quantity", pick(0, -3, 1_000_000));
                return new Mutated(event.toString(), "absurd quantity", null);
            }
            case 9 -> {
                if (random.nextBoolean()) {
                    event.put("customerId", 42);
                } else {
                    event.put("eventTime", true);
                }
                return new Mutated(event.toString(), "wrong type", null);
            }
            case 10 -> {
                event.put("eventTime", pick("2099-01-01T00:00:00Z", "1999-12-31T00:00:00Z", "yesterday", Instant.now().minus(Duration.ofDays(30)).toString()));
                return new Mutated(event.toString(), "bad time", null);
            }
            case 11 -> {
                if (random.nextInt(5) == 0) {
                    // A lone surrogate cannot travel as UTF-8; it arrives as a JSON escape.
                    event.put("customerId", "LONE");
                    return new Mutated(event.toString().replace("LONE", "half\\ud800"), "bad id", null);
                }
                event.put("customerId", pick("", "   ", "x".repeat(129), "bad\u0000id", "bell\u0007"));
                return new Mutated(event.toString(), "bad id", null);
            }
            case 12 -> {
                event.put(pick("colour", "customerID", "__proto__"), "red");
                return new Mutated(event.toString(), "unknown field", null);
            }
            case 13 -> {
                event.put("type", "product_view");
                event.remove("itemId");
                return new Mutated(event.toString(), "item event without item", null);
            }
            default -> {
                String text = event.toString();
                String broken = switch (random.nextInt(3)) {
                    case 0 -> text.substring(0, 1 + random.nextInt(text.length() - 2));
                    case 1 -> text.replace(":", random.nextBoolean() ? "" : "::");
                    default -> randomText(1 + random.nextInt(60));
                };
                return new Mutated(broken, "malformed JSON", null);
            }
        }
    }

    private ObjectNode validEvent() {
        ObjectNode event = json.createObjectNode();
        event.put("customerId", "fuzz-" + random.nextInt(CUSTOMERS));
        switch (random.nextInt(3)) {
            case 0 -> event.put("type", "page_view").put("page", pick("home", "search", "account"));
            case 1 -> event.put("type", "product_view").put("itemId", "garden-00" + random.nextInt(10)).put("category", "garden");
            default -> event.put("type", "add_to_cart").put("itemId", "kitchen-00" + random.nextInt(10)).put("category", "kitchen")
                    .put("price", random.nextInt(10_000) / 100.0).put("quantity", 1 + random.nextInt(3));
        }
        return event;
    }

    private HttpResponse<String> post(String base, String key, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/v1/events")).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    // ---- Kafka ----

    /** Writes raw records to the events topic; returns the bad ones' bytes by {@link #position}. */
    private Map<Long, byte[]> fuzzRecords(NudgeConfig config) throws Exception {
        Map<Long, byte[]> bad = new HashMap<>();
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < RECORDS; i++) {
                String customer = "fuzz-" + random.nextInt(CUSTOMERS);
                InteractionEvent event = InteractionEvent.newBuilder().setEventId(UUID.randomUUID().toString()).setCustomerId(customer)
                        .setType(EventType.PRODUCT_VIEW).setItemId("toys-00" + random.nextInt(10)).setCategory("toys")
                        .setEventTime(Instant.now()).build();
                byte[] valid = Codecs.EVENTS.encode(event);
                byte[] value;
                boolean isValid = false;
                switch (random.nextInt(6)) {
                    case 0 -> value = randomBytes(random.nextInt(200));
                    case 1 -> value = Arrays.copyOf(valid, 1 + random.nextInt(valid.length - 1));
                    case 2 -> {
                        value = valid.clone();
                        for (int b = 10; b < value.length; b++) {
                            value[b] = (byte) random.nextInt(256);
                        }
                    }
                    case 3 -> {
                        event.setItemId(null); // well-formed Avro, invalid event
                        value = Codecs.EVENTS.encode(event);
                    }
                    case 4 -> value = random.nextBoolean() ? null : new byte[0];
                    default -> {
                        value = valid;
                        isValid = true;
                    }
                }
                RecordMetadata written = producer.send(new ProducerRecord<>(config.get(NudgeConfig.TOPIC_EVENTS),
                        customer.getBytes(StandardCharsets.UTF_8), value)).get();
                if (isValid) {
                    expected.merge(customer, 1, Integer::sum);
                } else {
                    bad.put(position(written.partition(), written.offset()), value);
                }
            }
        }
        return bad;
    }

    /** Partition and offset in one number: offsets count per partition. */
    private static long position(int partition, long offset) {
        return ((long) partition << 48) | offset;
    }

    private void assertEveryBadRecordIsADeadLetter(NudgeConfig config, Map<Long, byte[]> bad) {
        Map<Long, DeadLetter> found = new HashMap<>();
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "fuzz-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(config.get(NudgeConfig.TOPIC_EVENTS_DLQ)));
            Awaitility.await("a dead letter for every bad record").atMost(DEADLINE).pollInSameThread().pollInterval(Duration.ofMillis(1))
                    .until(() -> {
                        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                            try {
                                DeadLetter letter = Codecs.DEAD_LETTERS.decode(record.value());
                                found.put(position(letter.getSourcePartition(), letter.getSourceOffset()), letter);
                            } catch (Exception e) {
                                throw new AssertionError("a dead letter that does not decode", e);
                            }
                        }
                        return found.keySet().containsAll(bad.keySet());
                    });
        } catch (ConditionTimeoutException someMissing) {
            // the assertion below names them
        }
        List<Long> missing = bad.keySet().stream().filter(position -> !found.containsKey(position)).toList();
        assertEquals(List.of(), missing, "bad records without a dead letter (partition << 48 | offset)");
        for (Map.Entry<Long, byte[]> record : bad.entrySet()) {
            DeadLetter letter = found.get(record.getKey());
            assertTrue(letter.getReason().length() > 0, "a reason");
            byte[] payload = letter.getPayload() == null ? null : toArray(letter.getPayload());
            byte[] sent = record.getValue();
            if (sent == null || sent.length == 0) {
                assertTrue(payload == null || payload.length == 0, "an empty record stays empty");
            } else {
                assertArrayEquals(sent, payload, "the dead letter keeps the bytes as read");
            }
        }
    }

    private static byte[] toArray(java.nio.ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private String randomText(int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.append((char) (random.nextBoolean() ? 32 + random.nextInt(95) : random.nextInt(0x3000)));
        }
        return text.toString();
    }

    @SafeVarargs
    private <T> T pick(T... choices) {
        return choices[random.nextInt(choices.length)];
    }
}
