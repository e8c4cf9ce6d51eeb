package io.nudge.job.profile;

import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.InteractionEvent;

/**
 * What reaches a customer's profile: one of their events, or the profile of the anonymous visitor they turned
 * out to be (sent once, when an identify event links the two).
 */
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
