package io.nudge.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nudge.events.FieldError;
import io.nudge.schemas.Channel;
import io.nudge.schemas.EventType;
import io.nudge.schemas.FeedbackKind;
import io.nudge.schemas.InteractionEvent;
import io.nudge.schemas.OutreachFeedback;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeedbackTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-29T10:00:00Z");

    private static Feedback.Parsed parse(String json) throws Exception {
        return Feedback.parse(JSON.readTree(json), "esp", NOW);
    }

    @Test
    void anUnsubscribeWithdrawsConsentForItsChannelOnce() throws Exception {
        OutreachFeedback feedback = parse("""
                {"kind": "unsubscribed", "actionId": "cart:2:c-42:1764403200000", "customerId": "c-42", "channel": "email", "at": "2026-11-29T09:00:00Z"}
                """).feedback();
        assertEquals("cart", feedback.getRuleId());
        assertEquals(FeedbackKind.UNSUBSCRIBED, feedback.getKind());
        assertEquals(Instant.parse("2026-11-29T09:00:00Z"), feedback.getAt());
        InteractionEvent event = Feedback.consentChange(feedback, NOW).orElseThrow();
        assertEquals(EventType.CONSENT_CHANGE, event.getType());
        assertEquals(Channel.EMAIL, event.getChannel());
        assertEquals("false", event.getAttributes().get("granted"));
        assertEquals("unsubscribed", event.getAttributes().get("reason"));
        assertEquals(NOW, event.getEventTime(), "in effect from when Nudge learnt it");
        assertEquals(event.getEventId(), Feedback.consentChange(feedback, NOW.plusSeconds(5)).orElseThrow().getEventId(),
                "the same report posted again is the same event");
    }

    @Test
    void onlyHardBouncesAndComplaintsBesideUnsubscribesTouchConsent() throws Exception {
        String report = "{\"kind\": \"%s\", \"actionId\": \"a:1:c:1\", \"customerId\": \"c\", \"channel\": \"sms\"%s}";
        assertTrue(Feedback.consentChange(parse(report.formatted("bounced", ", \"bounce\": \"hard\"")).feedback(), NOW).isPresent());
        assertEquals("true", Feedback.consentChange(parse(report.formatted("bounced", ", \"bounce\": \"hard\"")).feedback(), NOW).orElseThrow()
                .getAttributes().get("undeliverable"));
        assertTrue(Feedback.consentChange(parse(report.formatted("complained", "")).feedback(), NOW).isPresent());
        for (String counted : List.of("delivered", "opened", "clicked")) {
            assertTrue(Feedback.consentChange(parse(report.formatted(counted, "")).feedback(), NOW).isEmpty(), counted);
        }
        assertTrue(Feedback.consentChange(parse(report.formatted("bounced", ", \"bounce\": \"soft\"")).feedback(), NOW).isEmpty());
    }

    @Test
    void everyProblemIsReportedWithItsField() throws Exception {
        Feedback.Parsed parsed = parse("{\"kind\": \"bounced\", \"channel\": \"fax\", \"colour\": 1}");
        assertNull(parsed.feedback());
        assertEquals(List.of("colour", "actionId", "customerId", "channel", "bounce"), parsed.errors().stream().map(FieldError::field).toList());
    }
}
