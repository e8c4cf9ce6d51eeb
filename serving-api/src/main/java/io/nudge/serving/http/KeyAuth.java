package io.nudge.serving.http;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jetbrains.annotations.NotNull;

/**
 * Lets a request in by its key, {@code Authorization: Bearer <key>}: a site key reaches the public endpoints of
 * its site (events, recommendations) and is safe to embed in a page; the admin key reaches everything. Only the
 * keys' SHA-256 hashes are kept, compared in constant time, so neither memory dumps nor response timing give a
 * key away. Who came in is left on the request for the rate limit, CORS and the audit trail.
 */
final class KeyAuth implements Handler {

    /** What a key may do; the admin scope includes the site scope. */
    /** SITE and ADMIN callers present a key; a PROVIDER signs its request ({@link ProviderAuth}). */
    enum Scope { SITE, ADMIN, PROVIDER }

    /**
     * Whoever a key belongs to.
     *
     * @param id names the credential without revealing it ({@code site:web}, {@code admin-key:<fingerprint>})
     * @param site the site of a site key; null for the admin key
     */
    record Caller(String id, String site, Scope scope) {}

    /** The API's keys, hashed. */
    static final class Keys {
        private final byte[] adminHash;
        private final Map<String, byte[]> siteHashes = new LinkedHashMap<>();

        /** @param siteKeys key by site */
        Keys(String adminKey, Map<String, String> siteKeys) {
            this.adminHash = sha256(adminKey);
            siteKeys.forEach((site, key) -> siteHashes.put(site, sha256(key)));
        }

        /** @return the key's owner, or null for an unknown key */
        Caller identify(String key) {
            byte[] hash = sha256(key);
            Caller found = null;
            // Every hash is compared, so the time taken does not tell which (or whether one) matched.
            if (MessageDigest.isEqual(adminHash, hash)) {
                found = new Caller("admin-key:" + HexFormat.of().formatHex(adminHash, 0, 6), null, Scope.ADMIN);
            }
            for (Map.Entry<String, byte[]> site : siteHashes.entrySet()) {
                if (MessageDigest.isEqual(site.getValue(), hash)) {
                    found = new Caller("site:" + site.getKey(), site.getKey(), Scope.SITE);
                }
            }
            return found;
        }
    }

    private static final String CALLER = "nudge.caller";

    private final Keys keys;
    private final Scope required;

    KeyAuth(Keys keys, Scope required) {
        this.keys = keys;
        this.required = required;
    }

    /** Who the request was let in as. */
    static Caller caller(Context ctx) {
        Caller caller = ctx.attribute(CALLER);
        if (caller == null) {
            throw new IllegalStateException(ctx.path() + " is not behind KeyAuth");
        }
        return caller;
    }

    /** Lets the request in as {@code caller}, once another check than a key vouched for it. */
    static void admit(Context ctx, Caller caller) {
        ctx.attribute(CALLER, caller);
    }

    /** Which credential acted, for the audit trail: a fingerprint or site name, never the key. */
    static String actor(Context ctx) {
        return caller(ctx).id();
    }

    @Override
    public void handle(@NotNull Context ctx) {
        if (ctx.method() == HandlerType.OPTIONS) {
            return; // a CORS preflight carries no credentials by design; Cors answers it
        }
        String header = ctx.header("Authorization");
        if (header == null || !header.startsWith("Bearer ")) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ApiException(401, required == Scope.ADMIN ? "admin endpoints need 'Authorization: Bearer <admin key>'"
                    : "this endpoint needs 'Authorization: Bearer <site key>'", List.of());
        }
        Caller caller = keys.identify(header.substring("Bearer ".length()).strip());
        if (caller == null) {
            throw new ApiException(403, "the key is not known", List.of());
        }
        if (required == Scope.ADMIN && caller.scope() != Scope.ADMIN) {
            throw new ApiException(403, "a site key cannot use admin endpoints", List.of());
        }
        ctx.attribute(CALLER, caller);
    }

    /** One digest per request thread: looking one up costs more than the hash of a key. */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    });

    private static byte[] sha256(String text) {
        return SHA_256.get().digest(text.getBytes(StandardCharsets.UTF_8));
    }
}
