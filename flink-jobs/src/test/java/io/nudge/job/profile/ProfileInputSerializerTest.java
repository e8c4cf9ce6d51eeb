package io.nudge.job.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nudge.catalogue.WatchedItemChange;
import io.nudge.delivery.ContactOutcome;
import io.nudge.schemas.Channel;
import io.nudge.schemas.ContactStatus;
import io.nudge.profile.ProfileUpdater;
import io.nudge.schemas.EventType;
import io.nudge.schemas.InteractionEvent;
import java.time.Instant;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** The three kinds of customer input cross tasks and wait in state intact; their tags are those earlier releases wrote. */
class ProfileInputSerializerTest {

    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    private static ProfileInput roundTrip(ProfileInput input) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(256);
        ProfileInputSerializer.INSTANCE.serialize(input, out);
        return ProfileInputSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    @Test
    void everyKindOfInputComesBackAsItWent() throws Exception {
        InteractionEvent event = InteractionEvent.newBuilder().setEventId("e1").setCustomerId("ann").setType(EventType.PRODUCT_VIEW)
                .setEventTime(T0).setItemId("lamp").build();
        assertEquals(event, roundTrip(ProfileInput.event(event)).event);

        var visitor = ProfileUpdater.newProfile("anon-1", T0);
        ProfileInput adopted = roundTrip(ProfileInput.visitor("ann", visitor));
        assertEquals("ann", adopted.customerId);
        assertEquals(visitor, adopted.visitor);

        for (WatchedItemChange change : new WatchedItemChange[] {
                new WatchedItemChange("lamp", "Brass lamp", T0.toEpochMilli(), 80.0, 60.0, false, T0.toEpochMilli() - 5, WatchedItemChange.NEVER),
                new WatchedItemChange("lamp", null, T0.toEpochMilli(), null, null, true, T0.toEpochMilli() - 5, T0.toEpochMilli() - 1)}) {
            assertEquals(change, roundTrip(ProfileInput.itemChange("ann", change)).itemChange);
        }
        for (ContactOutcome outcome : new ContactOutcome[] {
                new ContactOutcome("ann", "cart:1:ann:5", "cart", Channel.EMAIL, ContactStatus.OPENED, "opened (esp)", 42L),
                new ContactOutcome("ann", "cart:1:ann:6", "cart", Channel.SMS, ContactStatus.FAILED, null, 43L)}) {
            assertEquals(outcome, roundTrip(ProfileInput.contactOutcome(outcome)).contactOutcome);
        }
    }

    @Test
    void inputsWrittenWithTheEarlierBooleanTagStillRead() throws Exception {
        InteractionEvent event = InteractionEvent.newBuilder().setEventId("e1").setCustomerId("ann").setType(EventType.PURCHASE)
                .setEventTime(T0).build();
        DataOutputSerializer out = new DataOutputSerializer(256);
        out.writeUTF("ann");
        out.writeBoolean(true); // an event, as earlier releases marked it
        new io.nudge.job.serialization.SingleObjectSerializer<>(InteractionEvent.class).serialize(event, out);
        assertEquals(event, ProfileInputSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer())).event);
    }
}
