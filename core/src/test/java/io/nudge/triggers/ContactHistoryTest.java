package io.nudge.triggers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nudge.delivery.ContactOutcome;
import io.nudge.profile.ProfileUpdater;
import io.nudge.schemas.Channel;
import io.nudge.schemas.ContactRecord;
import io.nudge.schemas.ContactStatus;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.OutreachAction;
import io.nudge.schemas.OutreachStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContactHistoryTest {

    private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");

    private static OutreachAction action(String id, OutreachStatus status, Instant at) {
        return OutreachAction.newBuilder().setActionId(id).setCustomerId("c").setRuleId(id.split(":")[0]).setRuleVersion(1).setChannel(Channel.EMAIL)
                .setTemplateId("t").setStatus(status).setReason("why").setDecidedAt(at).setPayload(Map.of()).build();
    }

    @Test
    void decisionsAreKeptNewestFirstAndBounded() {
        CustomerProfile profile = ProfileUpdater.newProfile("c", T0);
        for (int i = 0; i < 5; i++) {
            ContactHistory.recordDecision(profile, action("r" + i + ":1:c:" + i, OutreachStatus.SEND, T0.plusSeconds(i)), 3);
        }
        assertEquals(List.of("r4:1:c:4", "r3:1:c:3", "r2:1:c:2"), profile.getContactHistory().stream().map(ContactRecord::getActionId).toList());

        ContactHistory.recordDecision(profile, action("d:1:c:9", OutreachStatus.DEFERRED, T0.plusSeconds(10)), 3);
        ContactHistory.recordDecision(profile, action("d:1:c:9", OutreachStatus.SEND, T0.plusSeconds(20)), 3);
        assertEquals(ContactStatus.SENT, profile.getContactHistory().get(0).getStatus(), "a released deferral updates its record");
        assertEquals(1, profile.getContactHistory().stream().filter(r -> r.getActionId().equals("d:1:c:9")).count());
    }

    @Test
    void reportsMoveAMessageForwardOnly() {
        CustomerProfile profile = ProfileUpdater.newProfile("c", T0);
        ContactHistory.recordDecision(profile, action("r:1:c:1", OutreachStatus.SEND, T0), 10);
        assertTrue(ContactHistory.recordOutcome(profile, new ContactOutcome("c", "r:1:c:1", "r", Channel.EMAIL, ContactStatus.OPENED, "opened (esp)", 5)));
        assertFalse(ContactHistory.recordOutcome(profile, new ContactOutcome("c", "r:1:c:1", "r", Channel.EMAIL, ContactStatus.DELIVERED, "late", 6)),
                "a delivery report after the open changes nothing");
        assertFalse(ContactHistory.recordOutcome(profile, new ContactOutcome("c", "other", "r", Channel.EMAIL, ContactStatus.CLICKED, "x", 7)));
        assertEquals(ContactStatus.OPENED, profile.getContactHistory().get(0).getStatus());
    }

    @Test
    void aMessageThatFailedDoesNotUseUpTheCap() {
        CustomerProfile profile = ProfileUpdater.newProfile("c", T0);
        ContactHistory.recordDecision(profile, action("r:1:c:1", OutreachStatus.SEND, T0), 10);
        ContactHistory.recordDecision(profile, action("s:1:c:1", OutreachStatus.SUPPRESSED, T0), 10);
        assertEquals(1, ContactHistory.countedContacts(profile, List.of()).size(), "only what went out");
        ContactHistory.recordOutcome(profile, new ContactOutcome("c", "r:1:c:1", "r", Channel.EMAIL, ContactStatus.FAILED, "HTTP 400", 9));
        assertEquals(0, ContactHistory.countedContacts(profile, List.of()).size());
    }
}
