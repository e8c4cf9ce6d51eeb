package io.nudge.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;

/** The hand-written profile coder against Avro's own writer and reader, on many random profiles. */
class CustomerProfileCoderTest {

    private static final BinaryMessageEncoder<CustomerProfile> AVRO_WRITER =
            new BinaryMessageEncoder<>(SpecificData.getForClass(CustomerProfile.class), CustomerProfile.SCHEMA$);
    private static final BinaryMessageDecoder<CustomerProfile> AVRO_READER =
            new BinaryMessageDecoder<>(SpecificData.getForClass(CustomerProfile.class), CustomerProfile.SCHEMA$);

    @Test
    void isWrittenForTheCurrentSchema() {
        assertEquals(SingleObjectCodec.fingerprint(CustomerProfile.SCHEMA$), CustomerProfileCoder.SCHEMA_FINGERPRINT,
                "CustomerProfile changed: bring CustomerProfileCoder up to date with it (until then Avro's writer is used)");
        assertTrue(Codecs.PROFILES.usesOwnCoder());
    }

    @Test
    void writesExactlyWhatAvroWritesAndReadsItBack() throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 2_000; i++) {
            CustomerProfile profile = randomProfile(random);
            byte[] avro = avroBytes(profile);

            byte[] own = Codecs.PROFILES.encode(profile);

            assertArrayEquals(avro, own, "profile " + i + ": " + profile);
            assertEquals(AVRO_READER.decode(avro), Codecs.PROFILES.decode(own), "profile " + i);
            assertEquals(profile.getSequence(), ProfileSequences.of(own), "the sequence, read without decoding the rest");
        }
    }

    @Test
    void aProfileWrittenWithAnEarlierSchemaStillDecodes() throws Exception {
        // Version 1 had twelve fields; its records go through Avro's resolving reader.
        org.apache.avro.Schema v1 = SingleObjectCodec.releasedSchemas(CustomerProfile.class).get(0);
        org.apache.avro.generic.GenericRecord old = new org.apache.avro.generic.GenericRecordBuilder(v1)
                .set("profileKey", "old").set("sequence", 3L).set("firstSeen", 1L).set("lastSeen", 2L)
                .set("affinityAsOf", 2L).build();
        ByteBuffer encoded = new BinaryMessageEncoder<org.apache.avro.generic.GenericRecord>(
                org.apache.avro.generic.GenericData.get(), v1).encode(old);
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);

        CustomerProfile read = Codecs.PROFILES.decode(bytes);

        assertEquals("old", read.getProfileKey());
        assertEquals(3L, read.getSequence());
        assertEquals(List.of(), read.getLinkedIds());
        assertEquals(3L, ProfileSequences.of(bytes), "an earlier version's sequence comes from decoding it");
    }

    private static byte[] avroBytes(CustomerProfile profile) throws Exception {
        ByteBuffer buffer = AVRO_WRITER.encode(profile);
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private static java.util.List<ContactRecord> contacts(SplittableRandom r) {
        java.util.List<ContactRecord> contacts = new java.util.ArrayList<>();
        for (int i = r.nextInt(4); i > 0; i--) {
            contacts.add(new ContactRecord(text(r), text(r), Channel.values()[r.nextInt(Channel.values().length)],
                    ContactStatus.values()[r.nextInt(ContactStatus.values().length)], r.nextBoolean() ? text(r) : null,
                    java.time.Instant.ofEpochMilli(r.nextLong(0, 4_000_000_000_000L)), java.time.Instant.ofEpochMilli(r.nextLong(0, 4_000_000_000_000L))));
        }
        return contacts;
    }

    private static List<ExperimentAssignment> experiments(SplittableRandom r, Instant now) {
        List<ExperimentAssignment> experiments = new ArrayList<>();
        for (int i = r.nextInt(3); i > 0; i--) {
            experiments.add(new ExperimentAssignment(text(r), text(r), time(r, now), now, r.nextBoolean(), r.nextDouble() * 500));
        }
        return experiments;
    }

    private static CustomerProfile randomProfile(SplittableRandom r) {
        Instant now = Instant.ofEpochMilli(1_700_000_000_000L + r.nextLong(100_000_000_000L));
        List<ViewedItem> viewed = new ArrayList<>();
        for (int i = r.nextInt(4) == 0 ? 0 : r.nextInt(25); i > 0; i--) {
            viewed.add(new ViewedItem(text(r), optional(r), time(r, now)));
        }
        List<CartLine> cart = new ArrayList<>();
        for (int i = r.nextInt(5); i > 0; i--) {
            cart.add(new CartLine(text(r), optional(r), r.nextInt(-3, 1_000), r.nextBoolean() ? null : r.nextDouble() * 500, time(r, now)));
        }
        List<Order> orders = new ArrayList<>();
        for (int i = r.nextInt(4); i > 0; i--) {
            orders.add(new Order(optional(r), time(r, now), r.nextDouble() * 1e4, strings(r, 6)));
        }
        Map<String, OfferStats> offers = new LinkedHashMap<>();
        for (int i = r.nextInt(6); i > 0; i--) {
            offers.put(text(r), new OfferStats(r.nextInt(100), r.nextInt(10), r.nextInt(3), r.nextInt(2), r.nextBoolean() ? null : time(r, now)));
        }
        Map<String, Boolean> consent = new HashMap<>();
        for (String channel : List.of("email", "sms", "push", "web")) {
            if (r.nextBoolean()) {
                consent.put(channel, r.nextBoolean());
            }
        }
        Map<String, Integer> categoryViews = new HashMap<>();
        for (int i = r.nextInt(4); i > 0; i--) {
            categoryViews.put(text(r), r.nextInt(50));
        }
        return CustomerProfile.newBuilder()
                .setProfileKey(text(r)).setSequence(r.nextLong(Long.MAX_VALUE)).setFirstSeen(time(r, now)).setLastSeen(now)
                .setEventCounts(counts(r)).setRecentlyViewed(viewed).setCategoryAffinity(weights(r, 10)).setAffinityAsOf(time(r, now))
                .setCart(cart)
                .setLastPurchase(r.nextBoolean() ? null : new Purchase(time(r, now), optional(r), optional(r), r.nextDouble() * 900, optional(r)))
                .setPurchaseCount(r.nextLong(1_000)).setTotalSpend(r.nextDouble() * 1e5).setItemAffinity(weights(r, 70))
                .setRecentOrders(orders)
                .setSession(r.nextBoolean() ? null : new Session(optional(r), time(r, now), now, r.nextInt(500), r.nextInt(500), categoryViews, strings(r, 30)))
                .setOfferHistory(offers).setConsent(consent).setTimeZone(r.nextBoolean() ? null : "Europe/Berlin")
                .setLinkedIds(strings(r, 3)).setMergedInto(r.nextInt(5) == 0 ? text(r) : null)
                .setContactHistory(contacts(r))
                .setExperiments(experiments(r, now))
                .setIdentified(r.nextInt(3) == 0 ? null : r.nextBoolean())
                .build();
    }

    private static Map<String, Long> counts(SplittableRandom r) {
        Map<String, Long> counts = new HashMap<>();
        for (EventType type : EventType.values()) {
            if (r.nextInt(3) == 0) {
                counts.put(type.name(), r.nextLong(-1, 1L << 40));
            }
        }
        return counts;
    }

    private static Map<String, Double> weights(SplittableRandom r, int max) {
        Map<String, Double> weights = new HashMap<>();
        for (int i = r.nextInt(max + 1); i > 0; i--) {
            weights.put(text(r), r.nextInt(10) == 0 ? Double.NaN : r.nextDouble() * 100 - 1);
        }
        return weights;
    }

    private static List<String> strings(SplittableRandom r, int max) {
        List<String> values = new ArrayList<>();
        for (int i = r.nextInt(max + 1); i > 0; i--) {
            values.add(text(r));
        }
        return values;
    }

    private static Instant time(SplittableRandom r, Instant now) {
        return now.minusMillis(r.nextLong(0, 400L * 24 * 3600 * 1000));
    }

    private static String optional(SplittableRandom r) {
        return r.nextInt(3) == 0 ? null : text(r);
    }

    /** Ids as shops write them, sometimes empty, sometimes with non-ASCII characters. */
    private static String text(SplittableRandom r) {
        int length = r.nextInt(0, 24);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int kind = r.nextInt(20);
            text.appendCodePoint(kind == 0 ? 0xE9 : kind == 1 ? 0x1F600 : kind == 2 ? 0x4E2D : 'a' + r.nextInt(26));
        }
        return text.toString();
    }
}
