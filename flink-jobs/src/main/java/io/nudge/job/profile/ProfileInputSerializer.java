package io.nudge.job.profile;

import io.nudge.catalogue.WatchedItemChange;
import io.nudge.delivery.ContactOutcome;
import io.nudge.schemas.Channel;
import io.nudge.schemas.ContactStatus;
import io.nudge.job.serialization.SingleObjectSerializer;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.InteractionEvent;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * How a {@link ProfileInput} crosses to the customer operator and waits in its state: the customer id, a tag, then
 * the event or the visitor's profile in their single-object encoding (hand-written Avro coders, several times
 * cheaper than Flink's POJO and Avro serializers) or the item change field by field. The tags of events (1) and
 * visitors (0) are the booleans earlier releases wrote, so their saved inputs read as they are; inputs saved as
 * POJOs by still earlier releases are migrated on restore.
 */
public final class ProfileInputSerializer extends TypeSerializerSingleton<ProfileInput> {
    private static final long serialVersionUID = 1L;
    public static final ProfileInputSerializer INSTANCE = new ProfileInputSerializer();

    private static final byte VISITOR = 0;
    private static final byte EVENT = 1;
    private static final byte ITEM_CHANGE = 2;
    private static final byte CONTACT_OUTCOME = 3;
    private static final Channel[] CHANNELS = Channel.values();
    private static final ContactStatus[] STATUSES = ContactStatus.values();
    private static final SingleObjectSerializer<InteractionEvent> EVENTS = new SingleObjectSerializer<>(InteractionEvent.class);
    private static final SingleObjectSerializer<CustomerProfile> PROFILES = new SingleObjectSerializer<>(CustomerProfile.class);

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public ProfileInput createInstance() {
        return new ProfileInput();
    }

    @Override
    public ProfileInput copy(ProfileInput from) {
        ProfileInput copy = new ProfileInput();
        copy.customerId = from.customerId;
        copy.event = from.event == null ? null : EVENTS.copy(from.event);
        copy.visitor = from.visitor == null ? null : PROFILES.copy(from.visitor);
        copy.itemChange = from.itemChange; // immutable
        copy.contactOutcome = from.contactOutcome; // immutable
        return copy;
    }

    @Override
    public ProfileInput copy(ProfileInput from, ProfileInput reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(ProfileInput input, DataOutputView target) throws IOException {
        target.writeUTF(input.customerId);
        if (input.event != null) {
            target.writeByte(EVENT);
            EVENTS.serialize(input.event, target);
        } else if (input.visitor != null) {
            target.writeByte(VISITOR);
            PROFILES.serialize(input.visitor, target);
        } else if (input.contactOutcome != null) {
            target.writeByte(CONTACT_OUTCOME);
            ContactOutcome outcome = input.contactOutcome;
            target.writeUTF(outcome.actionId());
            target.writeUTF(outcome.ruleId());
            target.writeByte(outcome.channel().ordinal());
            target.writeByte(outcome.status().ordinal());
            target.writeBoolean(outcome.reason() != null);
            if (outcome.reason() != null) {
                target.writeUTF(outcome.reason());
            }
            target.writeLong(outcome.at());
        } else {
            target.writeByte(ITEM_CHANGE);
            WatchedItemChange change = input.itemChange;
            target.writeUTF(change.itemId());
            target.writeBoolean(change.title() != null);
            if (change.title() != null) {
                target.writeUTF(change.title());
            }
            target.writeLong(change.at());
            target.writeDouble(change.seenPrice() == null ? Double.NaN : change.seenPrice());
            target.writeDouble(change.price() == null ? Double.NaN : change.price());
            target.writeBoolean(change.backInStock());
            target.writeLong(change.viewedAt());
            target.writeLong(change.cartedAt());
        }
    }

    private static Double orNull(double value) {
        return Double.isNaN(value) ? null : value;
    }

    @Override
    public ProfileInput deserialize(DataInputView source) throws IOException {
        ProfileInput input = new ProfileInput();
        input.customerId = source.readUTF();
        byte tag = source.readByte();
        switch (tag) {
            case EVENT -> input.event = EVENTS.deserialize(source);
            case VISITOR -> input.visitor = PROFILES.deserialize(source);
            case ITEM_CHANGE -> {
                String itemId = source.readUTF();
                String title = source.readBoolean() ? source.readUTF() : null;
                input.itemChange = new WatchedItemChange(itemId, title, source.readLong(), orNull(source.readDouble()), orNull(source.readDouble()),
                        source.readBoolean(), source.readLong(), source.readLong());
            }
            case CONTACT_OUTCOME -> {
                String actionId = source.readUTF();
                String ruleId = source.readUTF();
                Channel channel = CHANNELS[source.readByte()];
                ContactStatus status = STATUSES[source.readByte()];
                String reason = source.readBoolean() ? source.readUTF() : null;
                input.contactOutcome = new ContactOutcome(input.customerId, actionId, ruleId, channel, status, reason, source.readLong());
            }
            default -> throw new IOException("unknown kind of profile input: " + tag);
        }
        return input;
    }

    @Override
    public ProfileInput deserialize(ProfileInput reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public TypeSerializerSnapshot<ProfileInput> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Restores this serializer; values of the POJO serializer of earlier releases are migrated. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ProfileInput> {
        public Snapshot() {
            super(() -> INSTANCE);
        }

        @Override
        public TypeSerializerSchemaCompatibility<ProfileInput> resolveSchemaCompatibility(TypeSerializerSnapshot<ProfileInput> old) {
            return old instanceof Snapshot ? TypeSerializerSchemaCompatibility.compatibleAsIs() : TypeSerializerSchemaCompatibility.compatibleAfterMigration();
        }
    }

    /** Tells Flink to use this serializer for {@link ProfileInput} wherever it is extracted. */
    public static final class Factory extends TypeInfoFactory<ProfileInput> {
        @Override
        public TypeInformation<ProfileInput> createTypeInfo(Type type, Map<String, TypeInformation<?>> genericParameters) {
            return new Info();
        }
    }

    /** A generic type as far as Flink's type system goes, with this serializer instead of Kryo. */
    static final class Info extends GenericTypeInfo<ProfileInput> {
        private static final long serialVersionUID = 1L;

        Info() {
            super(ProfileInput.class);
        }

        @Override
        public TypeSerializer<ProfileInput> createSerializer(SerializerConfig config) {
            return INSTANCE;
        }
    }
}
