package io.nudge.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;

/** The hand-written event coder against Avro's own writer and reader, on many random events. */
class InteractionEventCoderTest {

    private static final BinaryMessageEncoder<InteractionEvent> AVRO_WRITER =
            new BinaryMessageEncoder<>(SpecificData.getForClass(InteractionEvent.class), InteractionEvent.SCHEMA$);
    private static final BinaryMessageDecoder<InteractionEvent> AVRO_READER =
            new BinaryMessageDecoder<>(SpecificData.getForClass(InteractionEvent.class), InteractionEvent.SCHEMA$);

    @Test
    void isWrittenForTheCurrentSchema() {
        assertEquals(SingleObjectCodec.fingerprint(InteractionEvent.SCHEMA$), InteractionEventCoder.SCHEMA_FINGERPRINT,
                "InteractionEvent changed: bring InteractionEventCoder up to date with it (until then Avro's writer is used)");
        assertTrue(Codecs.EVENTS.usesOwnCoder());
    }

    @Test
    void writesExactlyWhatAvroWritesAndReadsItBack() throws Exception {
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 5_000; i++) {
            InteractionEvent event = randomEvent(random);
            ByteBuffer buffer = AVRO_WRITER.encode(event);
            byte[] avro = new byte[buffer.remaining()];
            buffer.get(avro);

            byte[] own = Codecs.EVENTS.encode(event);

            assertArrayEquals(avro, own, "event " + i + ": " + event);
            assertEquals(AVRO_READER.decode(avro), Codecs.EVENTS.decode(own), "event " + i);
        }
    }

    private static InteractionEvent randomEvent(SplittableRandom r) {
        Map<String, String> attributes = new HashMap<>();
        for (int i = r.nextInt(4); i > 0; i--) {
            attributes.put(text(r), text(r));
        }
        EventType[] types = EventType.values();
        Channel[] channels = Channel.values();
        return InteractionEvent.newBuilder()
                .setEventId(text(r)).setCustomerId(optional(r)).setAnonymousId(optional(r)).setSessionId(optional(r))
                .setType(types[r.nextInt(types.length)]).setEventTime(Instant.ofEpochMilli(r.nextLong(0, 4_000_000_000_000L)))
                .setItemId(optional(r)).setCategory(optional(r)).setPrice(r.nextBoolean() ? null : r.nextDouble() * 1e4 - 10)
                .setCurrency(optional(r)).setQuantity(r.nextBoolean() ? null : r.nextInt(-5, 10_000)).setOfferId(optional(r))
                .setChannel(r.nextBoolean() ? null : channels[r.nextInt(channels.length)]).setPage(optional(r))
                .setAttributes(attributes)
                .build();
    }

    private static String optional(SplittableRandom r) {
        return r.nextInt(3) == 0 ? null : text(r);
    }

    private static String text(SplittableRandom r) {
        int length = r.nextInt(0, 20);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int kind = r.nextInt(20);
            text.appendCodePoint(kind == 0 ? 0xE9 : kind == 1 ? 0x1F600 : 'a' + r.nextInt(26));
        }
        return text.toString();
    }
}
