package io.nudge.cli;

import java.util.concurrent.CountDownLatch;

/**
 * A service that runs until the process is asked to stop (Ctrl-C, SIGTERM): stopping closes it, says what it did,
 * and only then lets the JVM exit.
 */
final class Foreground {

    /** Closes the service; may print a summary. */
    interface Stop {
        void run() throws InterruptedException;
    }

    private Foreground() {}

    /** Blocks until the process is asked to stop and {@code stop} has run. */
    static void runUntilStopped(String name, Stop stop) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                stop.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                stopped.countDown();
            }
        }, name + "-stop"));
        stopped.await();
    }
}
