package io.nudge.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

class SchemaEvolutionTest {

    private static final Instant WHEN = Instant.parse("2026-11-25T10:15:30.123Z");

    @Test
    void currentEventRoundTrips() throws Exception {
        InteractionEvent event = InteractionEvent.newBuilder()
                .setEventId("e-1").setCustomerId("c-42").setType(EventType.ADD_TO_CART).setEventTime(WHEN)
                .setItemId("sku-1").setCategory("garden").setPrice(12.5).setCurrency("EUR").setQuantity(2)
                .setChannel(Channel.WEB).setAttributes(Map.of("orderId", "o-9"))
                .build();

        byte[] wire = Codecs.EVENTS.encode(event);

        assertEquals(event, Codecs.EVENTS.decode(wire));
        assertEquals((byte) 0xC3, wire[0], "single-object marker");
        assertEquals((byte) 0x01, wire[1], "single-object marker");
    }

    @Test
    void eventWrittenWithAnOlderSchemaIsReadByTheCurrentOne() throws Exception {
        Schema older = schema("evolution/InteractionEvent-older.avsc");
        GenericRecord old = new GenericData.Record(older);
        old.put("eventId", "e-old");
        old.put("customerId", "c-7");
        old.put("type", new GenericData.EnumSymbol(older.getField("type").schema(), "PRODUCT_VIEW"));
        old.put("eventTime", WHEN.toEpochMilli());
        old.put("itemId", "sku-3");
        old.put("price", 9.99);

        InteractionEvent read = SingleObjectCodec.forType(InteractionEvent.class, List.of(older))
                .decode(writeGeneric(older, old));

        assertEquals("e-old", read.getEventId());
        assertEquals("c-7", read.getCustomerId());
        assertEquals(EventType.PRODUCT_VIEW, read.getType());
        assertEquals(WHEN, read.getEventTime());
        assertEquals("sku-3", read.getItemId());
        assertEquals(9.99, read.getPrice());
        assertNull(read.getOfferId(), "field the old writer did not have takes its default");
        assertTrue(read.getAttributes().isEmpty(), "field the old writer did not have takes its default");
    }

    @Test
    void unknownEventTypeFromANewerWriterReadsAsUnknown() throws Exception {
        Schema newer = schema("evolution/InteractionEvent-newer.avsc");
        GenericRecord record = new GenericData.Record(newer);
        record.put("eventId", "e-new");
        record.put("anonymousId", "a-1");
        record.put("type", new GenericData.EnumSymbol(newer.getField("type").schema(), "WISHLIST_ADD"));
        record.put("eventTime", WHEN.toEpochMilli());
        record.put("attributes", Map.of());
        record.put("deviceType", "tablet");

        InteractionEvent read = SingleObjectCodec.forType(InteractionEvent.class, List.of(newer))
                .decode(writeGeneric(newer, record));

        assertEquals(EventType.UNKNOWN, read.getType());
        assertEquals("a-1", read.getAnonymousId());
    }

    @Test
    void messageFromAnUnknownSchemaIsRejectedWithAReason() throws Exception {
        Schema newer = schema("evolution/InteractionEvent-newer.avsc");
        GenericRecord record = new GenericData.Record(newer);
        record.put("eventId", "e");
        record.put("type", new GenericData.EnumSymbol(newer.getField("type").schema(), "PAGE_VIEW"));
        record.put("eventTime", 0L);
        record.put("attributes", Map.of());

        UndecodableMessageException e = assertThrows(UndecodableMessageException.class,
                () -> Codecs.EVENTS.decode(writeGeneric(newer, record)));
        assertTrue(e.getMessage().contains("unknown writer schema"), e.getMessage());
    }

    @Test
    void garbageIsRejectedWithAReason() {
        assertTrue(assertThrows(UndecodableMessageException.class,
                () -> Codecs.EVENTS.decode("{\"type\":\"page_view\"}".getBytes())).getMessage().contains("not Avro"));
        assertTrue(assertThrows(UndecodableMessageException.class,
                () -> Codecs.EVENTS.decode(new byte[0])).getMessage().contains("empty"));

        byte[] truncated = Codecs.EVENTS.encode(InteractionEvent.newBuilder().setEventId("e").setCustomerId("c")
                .setType(EventType.PAGE_VIEW).setEventTime(WHEN).setPage("home").build());
        byte[] cut = java.util.Arrays.copyOf(truncated, truncated.length - 3);
        assertTrue(assertThrows(UndecodableMessageException.class,
                () -> Codecs.EVENTS.decode(cut)).getMessage().contains("corrupt"));
    }

    @Test
    void everyCurrentSchemaIsReleasedAndReadsAllEarlierVersions() {
        for (Schema current : List.of(InteractionEvent.SCHEMA$, CustomerProfile.SCHEMA$, Offer.SCHEMA$,
                OutreachAction.SCHEMA$, DeadLetter.SCHEMA$, ItemAssociations.SCHEMA$, Trending.SCHEMA$, TriggerRule.SCHEMA$, AuditRecord.SCHEMA$,
                TriggerState.SCHEMA$, Item.SCHEMA$, FailedOutreach.SCHEMA$, OutreachFeedback.SCHEMA$, SegmentDefinition.SCHEMA$,
                SegmentMembership.SCHEMA$, ExperimentDefinition.SCHEMA$, ExperimentOutcome.SCHEMA$)) {
            Class<? extends org.apache.avro.specific.SpecificRecord> type = typeOf(current);
            List<Schema> released = SingleObjectCodec.releasedSchemas(type);
            assertTrue(released.stream().anyMatch(s -> SingleObjectCodec.fingerprint(s) == SingleObjectCodec.fingerprint(current)),
                    current.getName() + " changed but its new version is not in history/index.txt; add as the next version:\n"
                            + current.toString(true));
            for (Schema writer : released) {
                assertEquals(org.apache.avro.SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE,
                        org.apache.avro.SchemaCompatibility.checkReaderWriterCompatibility(current, writer).getType(),
                        current.getName() + " can no longer read a released version");
            }
        }
    }

    @Test
    void fingerprintInTheHeaderIsTheWriterSchemas() {
        byte[] wire = Codecs.OFFERS.encode(Offer.newBuilder().setOfferId("o").setTitle("t").build());
        long fingerprint = ByteBuffer.wrap(wire, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(SingleObjectCodec.fingerprint(Offer.SCHEMA$), fingerprint);
        assertArrayEquals(wire, Codecs.OFFERS.encode(Offer.newBuilder().setOfferId("o").setTitle("t").build()),
                "encoding is deterministic");
    }

    @SuppressWarnings("unchecked")
    private static Class<? extends org.apache.avro.specific.SpecificRecord> typeOf(Schema schema) {
        try {
            return (Class<? extends org.apache.avro.specific.SpecificRecord>) Class.forName(schema.getFullName());
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] writeGeneric(Schema schema, GenericRecord record) throws IOException {
        ByteBuffer buffer = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(record);
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private static Schema schema(String resource) throws IOException {
        try (InputStream in = SchemaEvolutionTest.class.getResourceAsStream("/" + resource)) {
            return new Schema.Parser().parse(in);
        }
    }
}
