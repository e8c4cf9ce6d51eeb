package io.nudge.dispatcher;

import io.nudge.delivery.Outcome;
import io.nudge.rate.TokenBucket;
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
    private final TokenBucket rate;

    ProviderGate(Provider provider, int concurrency, int perSecond) {
        this.provider = provider;
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(concurrency, task -> {
            Thread thread = new Thread(task, "deliver-" + provider.name() + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.rate = new TokenBucket(perSecond, System.nanoTime());
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
        while ((wait = rate.take(System.nanoTime())) > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
        return provider.deliver(action);
    }

    /** Stops at once: deliveries in flight are interrupted (their batch is not committed, so it comes again). */
    @Override
    public void close() {
        workers.shutdownNow();
        provider.close();
    }
}
