package io.nudge.dispatcher;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nudge.config.NudgeConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * The dispatcher as a process runs it: the providers the settings choose, the delivery loop, and {@code /health}
 * and {@code /metrics} (Prometheus) on {@code dispatch.http.port} (0: any free port).
 */
public final class DispatchService implements AutoCloseable {

    private final Dispatcher dispatcher;
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final HttpServer http;

    private DispatchService(NudgeConfig config) throws IOException {
        Clock clock = Clock.systemUTC();
        this.dispatcher = new Dispatcher(config, Providers.from(config, clock), metrics, clock);
        this.http = HttpServer.create(new InetSocketAddress(config.get(NudgeConfig.DISPATCH_HTTP_PORT)), 0);
        http.createContext("/health", exchange -> answer(exchange, dispatcher.isRunning() ? 200 : 503, "application/json",
                "{\"status\":\"" + (dispatcher.isRunning() ? "UP" : "STARTING") + "\",\"delivered\":" + dispatcher.delivered()
                        + ",\"failed\":" + dispatcher.failed() + "}"));
        http.createContext("/metrics", exchange -> answer(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape()));
    }

    public static DispatchService start(NudgeConfig config) throws IOException {
        DispatchService service = new DispatchService(config);
        service.http.start();
        service.dispatcher.start();
        return service;
    }

    public int port() {
        return http.getAddress().getPort();
    }

    public Dispatcher dispatcher() {
        return dispatcher;
    }

    private static void answer(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() throws InterruptedException {
        dispatcher.close();
        http.stop(0);
    }
}
