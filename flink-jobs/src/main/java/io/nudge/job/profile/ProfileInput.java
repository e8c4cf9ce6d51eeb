package io.nudge.job.profile;

import io.nudge.catalogue.WatchedItemChange;
import io.nudge.delivery.ContactOutcome;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.InteractionEvent;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * What reaches a customer's profile: one of their events, the profile of the anonymous visitor they turned out to
 * be (sent once, when an identify event links the two), or a change of an item they showed interest in (for the
 * price-drop and back-in-stock rules), or what became of a message decided for them (for their contact history).
 * Exactly one of the four is set. Serialized by {@link ProfileInputSerializer}.
 */
@TypeInfo(ProfileInputSerializer.Factory.class)
public final class ProfileInput {
    public String customerId;
    public InteractionEvent event;
    public CustomerProfile visitor;
    public WatchedItemChange itemChange;
    public ContactOutcome contactOutcome;

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

    public static ProfileInput itemChange(String customerId, WatchedItemChange change) {
        ProfileInput input = new ProfileInput();
        input.customerId = customerId;
        input.itemChange = change;
        return input;
    }

    public static ProfileInput contactOutcome(ContactOutcome outcome) {
        ProfileInput input = new ProfileInput();
        input.customerId = outcome.customerId();
        input.contactOutcome = outcome;
        return input;
    }

    @Override
    public String toString() {
        if (contactOutcome != null) {
            return "outcome of action " + contactOutcome.actionId() + " for " + customerId;
        }
        if (itemChange != null) {
            return "change of item " + itemChange.itemId() + " at " + itemChange.at() + " for " + customerId;
        }
        return event != null ? "event " + event.getEventId() + " for " + customerId : "visitor " + visitor.getProfileKey() + " for " + customerId;
    }
}
