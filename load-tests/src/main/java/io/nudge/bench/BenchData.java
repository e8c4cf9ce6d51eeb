package io.nudge.bench;

import io.nudge.config.NudgeConfig;
import io.nudge.profile.ProfileSettings;
import io.nudge.profile.ProfileUpdater;
import io.nudge.schemas.Codecs;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.InteractionEvent;
import io.nudge.schemas.Offer;
import io.nudge.traffic.ClickstreamGenerator;
import io.nudge.traffic.ShopCatalogue;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.SplittableRandom;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A realistic serving store written straight to the changelog topics: each customer's profile folded from their
 * own seeded sessions by the job's profile updater, and offers over the synthetic shop.
 */
final class BenchData {

    private static final Instant HISTORY_START = Instant.parse("2026-10-01T00:00:00Z");
    private static final String PREFIX = "bench-";

    private BenchData() {}

    /** The topics of {@code config}, prefixed so that a benchmark writes only its own. */
    static NudgeConfig benchTopics(NudgeConfig config) {
        NudgeConfig bench = config;
        for (var topic : List.of(NudgeConfig.TOPIC_EVENTS, NudgeConfig.TOPIC_EVENTS_DLQ, NudgeConfig.TOPIC_PROFILES, NudgeConfig.TOPIC_ASSOCIATIONS,
                NudgeConfig.TOPIC_TRENDING, NudgeConfig.TOPIC_OFFERS, NudgeConfig.TOPIC_RULES, NudgeConfig.TOPIC_OUTREACH, NudgeConfig.TOPIC_FORGOTTEN,
                NudgeConfig.TOPIC_AUDIT, NudgeConfig.TOPIC_ITEMS, NudgeConfig.TOPIC_SEGMENTS, NudgeConfig.TOPIC_SEGMENT_CHANGES,
                NudgeConfig.TOPIC_EXPERIMENTS, NudgeConfig.TOPIC_EXPERIMENT_OUTCOMES)) {
            bench = bench.with(topic, PREFIX + config.get(topic));
        }
        return bench;
    }

    /**
     * Writes one profile per customer to the profiles topic; returns the bytes written. Every send is checked: the
     * local broker has been seen to refuse the first batches to a topic created a moment before (an out-of-order
     * sequence error once the partitions came up), and those batches then expired after the producer's delivery
     * timeout, so a rebuild found its store short. Refused profiles are sent again, one by one, and the run says so;
     * a profile that still cannot be written stops the benchmark.
     */
    static long writeProfiles(NudgeConfig config, int profiles, long seed, PrintWriter progress) throws Exception {
        String topic = config.get(NudgeConfig.TOPIC_PROFILES);
        Shoppers shoppers = new Shoppers(config, profiles, seed);
        long bytes = 0;
        java.util.Queue<ProducerRecord<byte[], byte[]>> refused = new java.util.concurrent.ConcurrentLinkedQueue<>();
        java.util.concurrent.atomic.AtomicReference<Exception> firstError = new java.util.concurrent.atomic.AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = producer(config)) {
            for (int customer = 0; customer < profiles; customer++) {
                CustomerProfile profile = shoppers.profileOf(customer);
                byte[] value = Codecs.PROFILES.encode(profile);
                bytes += value.length;
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, profile.getProfileKey().getBytes(StandardCharsets.UTF_8), value);
                producer.send(record, (metadata, error) -> {
                    if (error != null) {
                        refused.add(record);
                        firstError.compareAndSet(null, error);
                    }
                });
                if (customer % 50_000 == 0) {
                    progress.printf("\rwriting profiles: %,d of %,d", customer, profiles).flush();
                }
            }
            producer.flush();
        }
        if (!refused.isEmpty()) {
            progress.printf("%n%,d profiles were refused by the broker (%s); sending them again%n", refused.size(), firstError.get()).flush();
            try (KafkaProducer<byte[], byte[]> producer = producer(config)) {
                for (ProducerRecord<byte[], byte[]> record : refused) {
                    producer.send(record).get(); // one by one: a benchmark that went on would measure a store short of them
                }
            }
        }
        progress.printf("\rwriting profiles: %,d of %,d%n", profiles, profiles).flush();
        return bytes;
    }

    /** Customers' profiles, each folded from one to four of their own seeded sessions by the job's profile updater. */
    static final class Shoppers {
        private final ProfileUpdater updater;
        private final ClickstreamGenerator sessions;
        private final SplittableRandom random;

        Shoppers(NudgeConfig config, int customers, long seed) {
            this.updater = new ProfileUpdater(ProfileSettings.from(config));
            this.sessions = new ClickstreamGenerator(seed, customers, ClickstreamGenerator.Behaviour.DEFAULT.withAnonymousShare(0));
            this.random = new SplittableRandom(seed);
        }

        CustomerProfile profileOf(int customer) {
            CustomerProfile profile = null;
            Instant visit = HISTORY_START.plus(Duration.ofMinutes(random.nextInt(60 * 24 * 30)));
            for (int session = 1 + random.nextInt(4); session > 0; session--) {
                for (InteractionEvent event : sessions.nextSession(customer, visit)) {
                    profile = updater.apply(profile, event);
                }
                visit = visit.plus(Duration.ofHours(1 + random.nextInt(72)));
            }
            return profile;
        }
    }

    /** Writes {@code count} active offers over the shop's categories and items to the offers topic. */
    static void writeOffers(NudgeConfig config, int count, long seed) {
        try (KafkaProducer<byte[], byte[]> producer = producer(config)) {
            for (Offer offer : offers(count, seed)) {
                producer.send(new ProducerRecord<>(config.get(NudgeConfig.TOPIC_OFFERS), offer.getOfferId().getBytes(StandardCharsets.UTF_8),
                        Codecs.OFFERS.encode(offer)));
            }
            producer.flush();
        }
    }

    /** {@code count} active offers over the shop's categories and items; one in ten needs a cart of 50. */
    static List<Offer> offers(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Offer> offers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String category = ShopCatalogue.CATEGORIES.get(random.nextInt(ShopCatalogue.CATEGORIES.size()));
            List<String> items = new ArrayList<>();
            for (int n = 1 + random.nextInt(3); n > 0; n--) {
                items.add(ShopCatalogue.item(category, random.nextInt(ShopCatalogue.ITEMS_PER_CATEGORY)));
            }
            Offer offer = Offer.newBuilder().setOfferId("bench-offer-" + i).setVersion(1).setTitle("Offer " + i + " on " + category)
                    .setCategory(category).setItemIds(items).setBusinessValue(0.5 + random.nextDouble())
                    .setPriority(random.nextInt(5)).setMinCartValue(random.nextInt(10) == 0 ? 50.0 : null).build();
            offers.add(offer);
        }
        return offers;
    }

    /** A producer for bulk writes: large batches, a short linger. */
    static KafkaProducer<byte[], byte[]> producer(NudgeConfig config) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS));
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
