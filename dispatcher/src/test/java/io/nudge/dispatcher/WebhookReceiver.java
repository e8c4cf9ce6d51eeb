package io.nudge.dispatcher;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A provider's webhook as an integrator would write it: checks every call's signature in a few lines (HMAC-SHA256
 * over "timestamp.body", timestamps within five minutes), and honours the idempotency key: a key it has accepted
 * is answered 200 again and not acted on twice. {@code answer} decides the status of each call from the key and
 * how many times that key came, so tests can fail calls first (500, 429).
 */
final class WebhookReceiver implements AutoCloseable {

    final Set<String> actedOn = ConcurrentHashMap.newKeySet();
    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    final Map<String, Long> actedAtMillis = new ConcurrentHashMap<>();
    final AtomicInteger badSignatures = new AtomicInteger();
    final AtomicInteger actedTwice = new AtomicInteger();
    private final byte[] secret;
    private final BiFunction<String, Integer, Integer> answer;
    private final HttpServer server;

    WebhookReceiver(String secret, BiFunction<String, Integer, Integer> answer) throws IOException {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.answer = answer;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/hooks", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks";
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        int status;
        if (!signedByNudge(exchange.getRequestHeaders().getFirst("Nudge-Signature"), body) || key == null) {
            badSignatures.incrementAndGet();
            status = 401;
        } else if (actedOn.contains(key)) {
            actedTwice.incrementAndGet(); // a retry of what was done: answered as done, not done again
            status = 200;
        } else {
            status = answer.apply(key, calls.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet());
            if (status / 100 == 2 && !actedOn.add(key)) {
                actedTwice.incrementAndGet();
            }
            if (status / 100 == 2) {
                actedAtMillis.put(key, System.currentTimeMillis());
            }
        }
        if (status == 429) {
            exchange.getResponseHeaders().set("Retry-After", "1");
        }
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    /** The check an integrator writes: t=...,v1=... ; HMAC-SHA256(secret, t + "." + body) ; within 5 minutes. */
    private boolean signedByNudge(String header, byte[] body) {
        try {
            String t = header.replaceAll(".*t=(\\d+).*", "$1");
            String v1 = header.replaceAll(".*v1=([0-9a-f]+).*", "$1");
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
            boolean fresh = Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(t)) <= 300;
            return fresh && MessageDigest.isEqual(mac.doFinal(body), HexFormat.of().parseHex(v1));
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
