package io.nudge.dispatcher;

import io.nudge.delivery.Outcome;
import io.nudge.schemas.OutreachAction;

/**
 * One way of reaching people: takes an action and says what became of it. A provider tries once; the dispatcher
 * retries, limits concurrency and rate, and records failures, so a real ESP or SMS client is one class like
 * {@link WebhookProvider}, not a fork of the dispatcher.
 */
public interface Provider extends AutoCloseable {

    /** The provider's name, as the failed-actions topic and the metrics show it. */
    String name();

    /** One attempt at delivering {@code action}; must not throw for what the provider answered. */
    Outcome deliver(OutreachAction action) throws InterruptedException;

    @Override
    default void close() {}
}
