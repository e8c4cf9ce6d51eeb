package io.nudge.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Chromium and ChromeDriver for the browser tests. .ci/run installs them; on a machine without them the
 * test installs them the same way (apt, as root), as the Kafka tests fetch their broker, so {@code mvn verify}
 * alone still runs everything.
 */
final class Chromium {

    static final String BROWSER = "/usr/bin/chromium";
    static final String DRIVER = "/usr/bin/chromedriver";

    private Chromium() {}

    static synchronized void ensureInstalled() throws IOException {
        if (Files.isExecutable(Path.of(BROWSER)) && Files.isExecutable(Path.of(DRIVER))) {
            return;
        }
        try {
            run("apt-get", "update", "-qq");
            run("apt-get", "install", "-y", "-qq", "chromium", "chromium-driver");
        } catch (IOException e) {
            throw new IOException("The browser tests need Debian's Chromium and ChromeDriver at " + BROWSER + " and " + DRIVER
                    + "; installing them failed (" + e.getMessage() + "). Install them with: apt-get install chromium chromium-driver", e);
        }
    }

    private static void run(String... command) throws IOException {
        try {
            Process process = new ProcessBuilder(command).inheritIO().start();
            if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
