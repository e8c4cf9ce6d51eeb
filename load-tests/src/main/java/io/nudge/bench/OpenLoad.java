package io.nudge.bench;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.api.Request;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.client.api.Result;
import org.eclipse.jetty.client.util.BufferingResponseListener;

/**
 * HTTP load in the open model: requests are scheduled at a constant arrival rate whatever the server does, and
 * each latency is measured from the request's scheduled start, so a stalled server shows in the tail instead of
 * slowing the load down (no coordinated omission). Also a closed-loop run for the maximum throughput.
 *
 * <p>The client is Jetty's asynchronous one: the JDK's {@code java.net.http} client topped out near 1,000 requests/s
 * on this machine against an endpoint that serves 20,000, so it would have measured itself.
 */
public final class OpenLoad {

    /** What one run measured; latencies in microseconds. */
    public record Run(long requests, long errors, double perSecond, Histogram latencies) {
        public double percentileMillis(double percentile) {
            return latencies.getValueAtPercentile(percentile) / 1000.0;
        }
    }

    private static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(1);
    private final HttpClient client;
    private final LongFunction<URI> requests;
    private final String authorization;

    /**
     * @param requests the i-th request's URI
     * @param authorization the {@code Authorization} header every request carries, or null
     */
    OpenLoad(HttpClient client, LongFunction<URI> requests, String authorization) {
        this.client = client;
        this.requests = requests;
        this.authorization = authorization;
    }

    /** A request for {@code uri} as this load sends it. */
    static Request request(HttpClient client, URI uri, String authorization) {
        Request request = client.newRequest(uri);
        return authorization == null ? request : request.headers(headers -> headers.put(HttpHeader.AUTHORIZATION, authorization));
    }

    /** {@code ratePerSecond} requests a second for {@code duration}, each timed from its scheduled start. */
    Run atRate(int ratePerSecond, Duration duration) throws InterruptedException {
        Histogram latencies = new ConcurrentHistogram(HIGHEST_MICROS, 3);
        AtomicLong errors = new AtomicLong();
        long total = ratePerSecond * duration.toSeconds();
        long intervalNanos = 1_000_000_000L / ratePerSecond;
        // Bounds the requests in flight so that a server far slower than the rate cannot exhaust memory; waiting for
        // a permit still counts against the scheduled start, so it shows as latency.
        Semaphore inFlight = new Semaphore(10_000);
        long start = System.nanoTime();
        for (long i = 0; i < total; i++) {
            long scheduled = start + i * intervalNanos;
            long wait = scheduled - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            inFlight.acquire();
            send(i, scheduled, latencies, errors, inFlight);
        }
        inFlight.acquire(10_000);
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Run(total, errors.get(), total / seconds, latencies);
    }

    /** As many requests as {@code concurrency} clients in a closed loop manage in {@code duration}. */
    Run maxThroughput(int concurrency, Duration duration) throws InterruptedException {
        Histogram latencies = new ConcurrentHistogram(HIGHEST_MICROS, 3);
        AtomicLong errors = new AtomicLong();
        Semaphore inFlight = new Semaphore(concurrency);
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        long sent = 0;
        while (System.nanoTime() < end) {
            if (inFlight.tryAcquire(10, TimeUnit.MILLISECONDS)) {
                send(sent++, System.nanoTime(), latencies, errors, inFlight);
            }
        }
        inFlight.acquire(concurrency);
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Run(sent, errors.get(), sent / seconds, latencies);
    }

    private void send(long index, long scheduled, Histogram latencies, AtomicLong errors, Semaphore inFlight) {
        request(client, requests.apply(index), authorization).send(new BufferingResponseListener(64 * 1024) {
            @Override
            public void onComplete(Result result) {
                latencies.recordValue(Math.min(HIGHEST_MICROS, (System.nanoTime() - scheduled) / 1000));
                if (result.isFailed() || result.getResponse().getStatus() != 200) {
                    errors.incrementAndGet();
                }
                inFlight.release();
            }
        });
    }
}
