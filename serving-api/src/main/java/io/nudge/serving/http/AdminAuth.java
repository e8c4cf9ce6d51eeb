package io.nudge.serving.http;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.jetbrains.annotations.NotNull;

/**
 * Guards the admin endpoints: {@code Authorization: Bearer <admin key>}. Only the key's SHA-256 is kept, and
 * it is compared in constant time, so neither memory dumps nor response timing give the key away.
 */
final class AdminAuth implements Handler {

    private static final String ACTOR = "nudge.actor";

    private final byte[] keyHash;
    private final String actor;

    private AdminAuth(byte[] keyHash) {
        this.keyHash = keyHash;
        this.actor = "admin-key:" + HexFormat.of().formatHex(keyHash, 0, 6);
    }

    /** Which credential the request was let in with, for the audit trail: a fingerprint of the key, never the key. */
    static String actor(Context ctx) {
        String actor = ctx.attribute(ACTOR);
        if (actor == null) {
            throw new IllegalStateException(ctx.path() + " is not behind AdminAuth");
        }
        return actor;
    }

    static AdminAuth forKey(String key) {
        return new AdminAuth(sha256(key));
    }

    @Override
    public void handle(@NotNull Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.startsWith("Bearer ")) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ApiException(401, "admin endpoints need 'Authorization: Bearer <admin key>'", List.of());
        }
        if (!MessageDigest.isEqual(keyHash, sha256(header.substring("Bearer ".length()).strip()))) {
            throw new ApiException(403, "the key is not an admin key", List.of());
        }
        ctx.attribute(ACTOR, actor);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
