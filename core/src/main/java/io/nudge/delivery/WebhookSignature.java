package io.nudge.delivery;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How Nudge signs what it sends to a webhook, and how it checks what providers send back: the header
 * {@code Nudge-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" under the shared secret>}. The time is
 * signed with the body, so a captured request cannot be replayed after the tolerance; the comparison takes the same
 * time whatever the bytes. A receiver checks it in a few lines of any language: split the header, recompute the
 * HMAC over the timestamp, a dot and the raw body, compare, and refuse timestamps too far from its clock.
 */
public final class WebhookSignature {

    public static final String HEADER = "Nudge-Signature";
    private static final String ALGORITHM = "HmacSHA256";

    private WebhookSignature() {}

    /** The header's value for {@code body} sent at {@code unixSeconds}. */
    public static String sign(byte[] secret, long unixSeconds, byte[] body) {
        return "t=" + unixSeconds + ",v1=" + HexFormat.of().formatHex(mac(secret, unixSeconds, body));
    }

    /** Whether {@code header} signs {@code body} under {@code secret}, at a time within {@code tolerance} of now. */
    public static boolean verify(byte[] secret, String header, byte[] body, long nowUnixSeconds, Duration tolerance) {
        if (header == null) {
            return false;
        }
        Long timestamp = null;
        byte[] signature = null;
        for (String part : header.split(",")) {
            String[] pair = part.trim().split("=", 2);
            if (pair.length != 2) {
                return false;
            }
            try {
                if (pair[0].equals("t")) {
                    timestamp = Long.parseLong(pair[1]);
                } else if (pair[0].equals("v1")) {
                    signature = HexFormat.of().parseHex(pair[1]);
                }
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        return timestamp != null && signature != null && Math.abs(nowUnixSeconds - timestamp) <= tolerance.toSeconds()
                && MessageDigest.isEqual(signature, mac(secret, timestamp, body));
    }

    private static byte[] mac(byte[] secret, long unixSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret, ALGORITHM));
            mac.update((unixSeconds + ".").getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every Java runtime", e);
        }
    }
}
