package io.nudge.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nudge.config.NudgeConfig;
import io.nudge.config.ServingReplica;
import io.nudge.events.Pseudonyms;
import io.nudge.kafka.LocalKafkaBroker;
import io.nudge.profile.ProfileSettings;
import io.nudge.profile.ProfileUpdater;
import io.nudge.schemas.Codecs;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.EventType;
import io.nudge.schemas.InteractionEvent;
import io.nudge.serving.kafka.TopicSetup;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two serving replicas that each keep half of the profiles partitions, on a real broker: each keeps only its own
 * customers, and every customer (and every visitor merged into one) is answered correctly through either replica.
 */
class PartitionedServingIT {

    private static final String SITE_KEY = "partition-site-key";
    private static final String SECRET = "partition-test-secret";
    private static final int PARTITIONS = 4;
    private static final int CUSTOMERS = 60;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static LocalKafkaBroker broker;
    static NudgeConfig shared;
    static final Pseudonyms PSEUDONYMS = Pseudonyms.withSecret(SECRET);
    /** Written profile key → the partition Kafka put it in. */
    static final Map<String, Integer> PARTITION_OF = new LinkedHashMap<>();
    /** Customer id → written profile. */
    static final Map<String, CustomerProfile> CUSTOMER = new LinkedHashMap<>();
    /** Anonymous visitor id → the customer id they were merged into. */
    static final Map<String, String> MERGED = new LinkedHashMap<>();
    static final ServingApi[] REPLICAS = new ServingApi[2];
    static NudgeConfig[] replicaConfigs = new NudgeConfig[2];

    @BeforeAll
    static void start() throws Exception {
        broker = LocalKafkaBroker.start(dir.resolve("kafka"));
        shared = NudgeConfig.defaults()
                .with(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS, broker.bootstrapServers())
                .with(NudgeConfig.TOPIC_PARTITIONS, PARTITIONS)
                .with(NudgeConfig.API_SITE_KEYS, "web=" + SITE_KEY)
                .with(NudgeConfig.API_ADMIN_KEY, "partition-admin-key")
                .with(NudgeConfig.API_PSEUDONYMISE_KEY, SECRET);
        TopicSetup.ensureTopics(shared);
        writeProfiles();
        int[] ports = {freePort(), freePort()};
        String urls = "http://127.0.0.1:" + ports[0] + ",http://127.0.0.1:" + ports[1];
        for (int i = 0; i < 2; i++) {
            replicaConfigs[i] = shared.with(NudgeConfig.HTTP_PORT, ports[i]).with(NudgeConfig.SERVING_REPLICA, (i + 1) + "/2")
                    .with(NudgeConfig.SERVING_REPLICA_URLS, urls);
            REPLICAS[i] = ServingApi.start(replicaConfigs[i]);
        }
        for (ServingApi replica : REPLICAS) {
            awaitReady(replica);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (ServingApi replica : REPLICAS) {
            replica.close();
        }
        broker.close();
    }

    /** Customers with a few views each, and some visitors who logged in and were merged into a customer. */
    private static void writeProfiles() throws Exception {
        ProfileUpdater updater = new ProfileUpdater(ProfileSettings.defaults());
        Instant at = Instant.parse("2026-11-28T10:00:00Z");
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int c = 0; c < CUSTOMERS; c++) {
                String customer = "customer-" + c;
                String key = PSEUDONYMS.of(customer);
                CustomerProfile profile = null;
                for (int view = 0; view <= c % 4; view++) {
                    String category = view % 2 == 0 ? "garden" : "kitchen";
                    profile = updater.apply(profile, InteractionEvent.newBuilder().setEventId(customer + "-" + view).setCustomerId(key)
                            .setType(EventType.PRODUCT_VIEW).setEventTime(at.plusSeconds(view)).setItemId(category + "-00" + view)
                            .setCategory(category).build());
                }
                if (c % 3 == 0) {
                    profile = updater.apply(profile, InteractionEvent.newBuilder().setEventId(customer + "-offer").setCustomerId(key)
                            .setType(EventType.OFFER_IMPRESSION).setEventTime(at.plusSeconds(10)).setOfferId("spring-garden").build());
                }
                CUSTOMER.put(customer, profile);
                write(producer, key, profile);
            }
            for (int v = 0; v < 8; v++) {
                String visitor = "visitor-" + v;
                String customer = "customer-" + (v * 7);
                CustomerProfile pointer = CustomerProfile.newBuilder(CUSTOMER.get(customer)).setProfileKey(PSEUDONYMS.of(visitor))
                        .setMergedInto(PSEUDONYMS.of(customer)).build();
                MERGED.put(visitor, customer);
                write(producer, PSEUDONYMS.of(visitor), pointer);
            }
        }
    }

    private static void write(KafkaProducer<byte[], byte[]> producer, String key, CustomerProfile profile) throws Exception {
        int partition = producer.send(new ProducerRecord<>(shared.get(NudgeConfig.TOPIC_PROFILES), key.getBytes(StandardCharsets.UTF_8),
                Codecs.PROFILES.encode(profile))).get().partition();
        PARTITION_OF.put(key, partition);
    }

    @Test
    void eachReplicaKeepsExactlyTheProfilesOfItsPartitions() {
        assertTrue(PARTITION_OF.values().stream().distinct().count() == PARTITIONS, "the profiles spread over every partition");
        for (int i = 0; i < 2; i++) {
            ServingReplica replica = replicaConfigs[i].get(NudgeConfig.SERVING_REPLICA);
            for (Map.Entry<String, Integer> written : PARTITION_OF.entrySet()) {
                assertEquals(replica.owns(written.getValue()), REPLICAS[i].store().contains(written.getKey()),
                        "replica " + replica + ", profile in partition " + written.getValue());
            }
        }
        assertEquals(PARTITION_OF.size(), REPLICAS[0].store().size() + REPLICAS[1].store().size());
    }

    @Test
    void everyCustomerIsAnsweredAlikeThroughEitherReplica() throws Exception {
        for (Map.Entry<String, CustomerProfile> customer : CUSTOMER.entrySet()) {
            String path = "/v1/customers/" + customer.getKey() + "/recommendations?page=product&category=garden&explain=true";
            HttpResponse<String> first = get(REPLICAS[0], path);
            HttpResponse<String> second = get(REPLICAS[1], path);
            assertEquals(200, first.statusCode(), first.body());
            assertEquals(200, second.statusCode(), second.body());
            JsonNode answer = JSON.readTree(first.body());
            assertEquals(customer.getValue().getSequence(), answer.get("profileSequence").asLong(), customer.getKey());
            assertEquals(PSEUDONYMS.of(customer.getKey()), answer.get("profileKey").asText());
            assertEquals(first.body(), second.body(), "the same answer through either replica");
            String owner = (PARTITION_OF.get(PSEUDONYMS.of(customer.getKey())) % 2 + 1) + "/2";
            assertEquals(owner, first.headers().firstValue("Nudge-Answered-By").orElseThrow());
            assertEquals(owner, second.headers().firstValue("Nudge-Answered-By").orElseThrow());
        }
    }

    @Test
    void aVisitorMergedIntoACustomerOfTheOtherReplicaGetsThatCustomersAnswer() throws Exception {
        int acrossReplicas = 0;
        for (Map.Entry<String, String> merged : MERGED.entrySet()) {
            String customerKey = PSEUDONYMS.of(merged.getValue());
            acrossReplicas += PARTITION_OF.get(PSEUDONYMS.of(merged.getKey())) % 2 != PARTITION_OF.get(customerKey) % 2 ? 1 : 0;
            for (ServingApi replica : REPLICAS) {
                HttpResponse<String> response = get(replica, "/v1/customers/" + merged.getKey() + "/recommendations");
                assertEquals(200, response.statusCode(), response.body());
                JsonNode answer = JSON.readTree(response.body());
                assertEquals(customerKey, answer.get("profileKey").asText(), merged.getKey());
                assertEquals(merged.getKey(), answer.get("customerId").asText());
            }
        }
        assertTrue(acrossReplicas > 0, "some visitors and their customers are kept by different replicas");
    }

    @Test
    void theOfferReportAddsUpEveryReplicasShareOfTheCustomers() throws Exception {
        for (ServingApi replica : REPLICAS) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replica.port() + "/v1/admin/reports/offers"))
                    .header("Authorization", "Bearer partition-admin-key").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            JsonNode report = JSON.readTree(response.body());
            assertEquals(2, report.get("replicas").asInt());
            assertEquals(CUSTOMERS, report.get("treatment").get("customers").asLong() + report.get("control").get("customers").asLong(),
                    "every customer once; visitors merged into one are not customers of their own");
            JsonNode offer = report.get("offers").get(0);
            assertEquals("spring-garden", offer.get("offerId").asText());
            assertEquals(CUSTOMERS / 3, offer.get("impressions").asLong());
        }
    }

    @Test
    void withoutTheReplicasUrlsARequestForAnotherReplicasCustomerIsAnswered421WithItsOwner() throws Exception {
        NudgeConfig alone = shared.with(NudgeConfig.HTTP_PORT, 0).with(NudgeConfig.SERVING_REPLICA, "1/2");
        try (ServingApi replica = ServingApi.start(alone)) {
            awaitReady(replica);
            String other = CUSTOMER.keySet().stream().filter(c -> PARTITION_OF.get(PSEUDONYMS.of(c)) % 2 == 1).findFirst().orElseThrow();
            HttpResponse<String> response = get(replica, "/v1/customers/" + other + "/recommendations");
            assertEquals(421, response.statusCode(), response.body());
            assertEquals("2/2", response.headers().firstValue("Nudge-Owner").orElseThrow());
            assertTrue(JSON.readTree(response.body()).get("error").asText().contains("replica 2/2"));
        }
    }

    @Test
    void aRestartedReplicaRebuildsOnlyItsPartitionsAndTheOtherSays503MeanwhileForItsCustomers() throws Exception {
        String ofReplicaTwo = CUSTOMER.keySet().stream().filter(c -> PARTITION_OF.get(PSEUDONYMS.of(c)) % 2 == 1).findFirst().orElseThrow();
        long kept = PARTITION_OF.values().stream().filter(p -> p % 2 == 1).count();
        REPLICAS[1].close();
        try {
            HttpResponse<String> meanwhile = get(REPLICAS[0], "/v1/customers/" + ofReplicaTwo + "/recommendations");
            assertEquals(503, meanwhile.statusCode(), meanwhile.body());
            assertTrue(meanwhile.headers().firstValue("Retry-After").isPresent());
        } finally {
            REPLICAS[1] = ServingApi.start(replicaConfigs[1]);
        }
        awaitReady(REPLICAS[1]);
        assertEquals(kept, REPLICAS[1].store().size(), "only the profiles of partitions 1 and 3");
        assertEquals(kept, REPLICAS[1].profileRecordsRead(), "and only their records were read");
        HttpResponse<String> after = get(REPLICAS[0], "/v1/customers/" + ofReplicaTwo + "/recommendations");
        assertEquals(200, after.statusCode(), after.body());
        assertFalse(JSON.readTree(after.body()).get("profileKey").isNull());
    }

    private static HttpResponse<String> get(ServingApi replica, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replica.port() + path))
                .header("Authorization", "Bearer " + SITE_KEY).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitReady(ServingApi replica) {
        ServingApiIT.await("the replica caught up with the changelogs").until(replica::isReady);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
