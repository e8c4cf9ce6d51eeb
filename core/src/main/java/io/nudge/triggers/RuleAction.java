package io.nudge.triggers;

import io.nudge.schemas.Channel;
import java.io.Serializable;
import java.util.Map;

/** What a rule does when it fires: a message on a channel from a template, optionally with the next-best offer. */
public record RuleAction(Channel channel, String templateId, Map<String, String> payload, boolean attachOffer) implements Serializable {
    public RuleAction {
        payload = Map.copyOf(payload);
    }
}
