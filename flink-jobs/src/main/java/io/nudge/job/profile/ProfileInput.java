package io.nudge.job.profile;

import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.InteractionEvent;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * What reaches a customer's profile: one of their events, or the profile of the anonymous visitor they turned
 * out to be (sent once, when an identify event links the two). Serialized by {@link ProfileInputSerializer}.
 */
@TypeInfo(ProfileInputSerializer.Factory.class)
public final class ProfileInput {
    public String customerId;
    public InteractionEvent event;
    public CustomerProfile visitor;

    public ProfileInput() {}

    public static ProfileInput event(InteractionEvent event) {
        ProfileInput input = new ProfileInput();
        input.customerId = event.getCustomerId();
        input.event = event;
        return input;
    }

    public static ProfileInput visitor(String customerId, CustomerProfile visitor) {
        ProfileInput input = new ProfileInput();
        input.customerId = customerId;
        input.visitor = visitor;
        return input;
    }

    @Override
    public String toString() {
        return event != null ? "event " + event.getEventId() + " for " + customerId : "visitor " + visitor.getProfileKey() + " for " + customerId;
    }
}
