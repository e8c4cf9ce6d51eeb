package io.nudge.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.nudge.delivery.WebhookSignature;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo's stand-in for an email, SMS or push provider: a local webhook that checks each call's signature,
 * honours its idempotency key, and counts what it received, so a newcomer sees the outreach the rules decide
 * actually go out. Point {@code dispatch.webhook.url} at a real provider instead (see the README).
 */
final class WebhookSink implements AutoCloseable {

    private final byte[] secret;
    private final HttpServer server;
    private final Set<String> received = ConcurrentHashMap.newKeySet();
    private final AtomicLong refused = new AtomicLong();

    WebhookSink(String secret) throws IOException {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4, task -> {
            Thread thread = new Thread(task, "webhook-sink");
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/outreach", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/outreach";
    }

    long received() {
        return received.size();
    }

    long refused() {
        return refused.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        boolean signed = WebhookSignature.verify(secret, exchange.getRequestHeaders().getFirst(WebhookSignature.HEADER), body,
                Instant.now().getEpochSecond(), Duration.ofMinutes(5));
        String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        if (!signed || key == null) {
            refused.incrementAndGet();
            exchange.sendResponseHeaders(401, -1);
        } else {
            received.add(key); // a key seen before is a retry of a message already taken: taken once
            exchange.sendResponseHeaders(202, -1);
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
