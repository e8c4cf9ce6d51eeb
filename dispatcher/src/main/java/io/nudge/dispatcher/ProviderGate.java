package io.nudge.dispatcher;

import io.nudge.delivery.Outcome;
import io.nudge.schemas.OutreachAction;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a provider may take: at most {@code concurrency} deliveries in flight (its own threads) and at most
 * {@code perSecond} started per second (a token bucket, waited for), so a burst of actions does not trip the
 * provider's own limits.
 */
public final class ProviderGate implements AutoCloseable {

    private final Provider provider;
    private final ExecutorService workers;
    private final double perNano;
    private final double capacity;
    private double tokens;
    private long updated = System.nanoTime();

    ProviderGate(Provider provider, int concurrency, int perSecond) {
        this.provider = provider;
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(concurrency, task -> {
            Thread thread = new Thread(task, "deliver-" + provider.name() + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.perNano = perSecond / 1e9;
        this.capacity = perSecond;
        this.tokens = perSecond;
    }

    Provider provider() {
        return provider;
    }

    <T> Future<T> submit(java.util.concurrent.Callable<T> delivery) {
        return workers.submit(delivery);
    }

    /** One try, once the rate allows it. */
    Outcome tryOnce(OutreachAction action) throws InterruptedException {
        long wait;
        while ((wait = take()) > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
        return provider.deliver(action);
    }

    /** @return 0 when a token was taken, else how long until one is there */
    private synchronized long take() {
        long now = System.nanoTime();
        tokens = Math.min(capacity, tokens + (now - updated) * perNano);
        updated = now;
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return (long) Math.ceil((1 - tokens) / perNano);
    }

    /** Stops at once: deliveries in flight are interrupted (their batch is not committed, so it comes again). */
    @Override
    public void close() {
        workers.shutdownNow();
        provider.close();
    }
}
