package io.nudge.serving.outreach;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nudge.schemas.Channel;
import io.nudge.schemas.OutreachAction;
import io.nudge.schemas.OutreachStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutboxTest {

    private final Outbox outbox = new Outbox();

    @Test
    void forgettingDropsRecordedActionsAndWithholdsOnesCommittedLater() {
        outbox.record(action("forget-me", "a1"));
        outbox.record(action("keep-me", "a2"));

        outbox.forget(List.of("forget-me"));
        outbox.record(action("forget-me", "a3"));

        assertEquals(List.of("a2"), outbox.recent(a -> true, 10).stream().map(OutreachAction::getActionId).toList());
        assertEquals(Map.of("cart/send", 2L, "cart/withheld_forgotten", 1L), outbox.counts());
    }

    @Test
    void anotherReplicasForgetRequestArrivesThroughTheForgottenTopic() {
        outbox.applyForgotten("forgotten-elsewhere", Instant.EPOCH.toString().getBytes(StandardCharsets.UTF_8));
        outbox.record(action("forgotten-elsewhere", "a1"));

        assertEquals(List.of(), outbox.recent(a -> true, 10));
    }

    private static OutreachAction action(String customerId, String actionId) {
        return OutreachAction.newBuilder().setActionId(actionId).setCustomerId(customerId).setRuleId("cart").setRuleVersion(1)
                .setChannel(Channel.EMAIL).setTemplateId("t").setStatus(OutreachStatus.SEND).setReason("test")
                .setDecidedAt(Instant.EPOCH).build();
    }
}
