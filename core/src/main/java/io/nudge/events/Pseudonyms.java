package io.nudge.events;

import io.nudge.schemas.InteractionEvent;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Customer and anonymous ids replaced by keyed hashes where they enter Nudge, so that Kafka, the job's state, the
 * changelogs, the outreach actions and the logs never hold a shop's own ids. HMAC-SHA256 with a secret: the shop,
 * which holds the secret, computes the pseudonym of any of its ids to join results back; without it a pseudonym
 * can be neither reversed nor found by hashing candidate ids. The same id always gives the same pseudonym, so
 * profiles, identity stitching and forgetting work unchanged.
 */
public final class Pseudonyms {

    /** Ids kept as they are. */
    public static final Pseudonyms NONE = new Pseudonyms(null);

    private static final String ALGORITHM = "HmacSHA256";
    /** 128 bits of the MAC: ample against collisions among a shop's ids, and short in every record. */
    private static final int BYTES = 16;

    private final SecretKeySpec secret;
    private final ThreadLocal<Mac> macs;

    private Pseudonyms(byte[] secret) {
        this.secret = secret == null ? null : new SecretKeySpec(secret, ALGORITHM);
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    /** @param secret empty for {@link #NONE} */
    public static Pseudonyms withSecret(String secret) {
        return secret.isEmpty() ? NONE : new Pseudonyms(secret.getBytes(StandardCharsets.UTF_8));
    }

    public boolean enabled() {
        return secret != null;
    }

    /** The pseudonym of {@code id} ({@code p-} and 32 hex digits), or {@code id} itself when disabled or null. */
    public String of(String id) {
        if (secret == null || id == null) {
            return id;
        }
        byte[] mac = macs.get().doFinal(id.getBytes(StandardCharsets.UTF_8));
        return "p-" + HexFormat.of().formatHex(mac, 0, BYTES);
    }

    /** {@code event} with its customer and anonymous ids pseudonymised (in place). */
    public InteractionEvent apply(InteractionEvent event) {
        if (secret != null) {
            event.setCustomerId(of(event.getCustomerId()));
            event.setAnonymousId(of(event.getAnonymousId()));
        }
        return event;
    }

    private Mac newMac() {
        if (secret == null) {
            return null;
        }
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(secret);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has " + ALGORITHM, e);
        }
    }
}
