package io.nudge.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

    private static final byte[] SECRET = "whsec-test-0123456789".getBytes(StandardCharsets.UTF_8);
    private static final byte[] BODY = "{\"actionId\":\"a1\"}".getBytes(StandardCharsets.UTF_8);
    private static final Duration FIVE_MINUTES = Duration.ofMinutes(5);

    @Test
    void aSignatureChecksForItsBodyAndSecretWithinTheTolerance() {
        String header = WebhookSignature.sign(SECRET, 1_790_000_000L, BODY);
        assertTrue(header.matches("t=1790000000,v1=[0-9a-f]{64}"), header);
        assertTrue(WebhookSignature.verify(SECRET, header, BODY, 1_790_000_100L, FIVE_MINUTES));
        assertFalse(WebhookSignature.verify(SECRET, header, "{\"actionId\":\"a2\"}".getBytes(StandardCharsets.UTF_8), 1_790_000_100L, FIVE_MINUTES),
                "another body");
        assertFalse(WebhookSignature.verify("other-secret".getBytes(StandardCharsets.UTF_8), header, BODY, 1_790_000_100L, FIVE_MINUTES));
        assertFalse(WebhookSignature.verify(SECRET, header, BODY, 1_790_000_000L + 301, FIVE_MINUTES), "replayed too late");
        assertFalse(WebhookSignature.verify(SECRET, header.replace("t=1790000000", "t=1790000100"), BODY, 1_790_000_100L, FIVE_MINUTES),
                "the time is signed too");
        assertFalse(WebhookSignature.verify(SECRET, null, BODY, 1_790_000_000L, FIVE_MINUTES));
        assertFalse(WebhookSignature.verify(SECRET, "t=abc,v1=zz", BODY, 1_790_000_000L, FIVE_MINUTES));
    }

    @Test
    void theSignatureIsTheDocumentedHmac() throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(SECRET, "HmacSHA256"));
        String expected = java.util.HexFormat.of().formatHex(mac.doFinal(("1790000000." + new String(BODY, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)));
        assertEquals("t=1790000000,v1=" + expected, WebhookSignature.sign(SECRET, 1_790_000_000L, BODY));
    }
}
