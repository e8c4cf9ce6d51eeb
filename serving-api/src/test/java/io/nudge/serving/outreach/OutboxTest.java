package io.nudge.serving.outreach;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nudge.schemas.Channel;
import io.nudge.schemas.OutreachAction;
import io.nudge.schemas.OutreachStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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

    @Test
    void activityCountsEachRulesActionsByStatusWithinTheLastHourAndDay() {
        Instant now = Instant.parse("2026-11-27T12:00:00Z");
        outbox.record(decided("a1", "cart", OutreachStatus.SEND, now.minusSeconds(20 * 60)));
        outbox.record(decided("a2", "cart", OutreachStatus.SUPPRESSED, now.minusSeconds(50 * 60)));
        outbox.record(decided("a3", "cart", OutreachStatus.SEND, now.minusSeconds(5 * 3600)));
        outbox.record(decided("a4", "winback", OutreachStatus.DEFERRED, now.minusSeconds(23 * 3600)));
        outbox.record(decided("a5", "winback", OutreachStatus.SEND, now.minusSeconds(25 * 3600)));

        assertEquals(Map.of("cart", Map.of("send", 1L, "suppressed", 1L), "winback", Map.of("deferred", 0L, "send", 0L)),
                outbox.activity(now, Duration.ofHours(1)));
        assertEquals(Map.of("cart", Map.of("send", 2L, "suppressed", 1L), "winback", Map.of("deferred", 1L, "send", 0L)),
                outbox.activity(now, Duration.ofDays(1)), "older than a day is out of the window");
    }

    private static OutreachAction decided(String actionId, String ruleId, OutreachStatus status, Instant at) {
        return OutreachAction.newBuilder(action("c-" + actionId, actionId)).setRuleId(ruleId).setStatus(status).setDecidedAt(at).build();
    }

    private static OutreachAction action(String customerId, String actionId) {
        return OutreachAction.newBuilder().setActionId(actionId).setCustomerId(customerId).setRuleId("cart").setRuleVersion(1)
                .setChannel(Channel.EMAIL).setTemplateId("t").setStatus(OutreachStatus.SEND).setReason("test")
                .setDecidedAt(Instant.EPOCH).build();
    }
}
