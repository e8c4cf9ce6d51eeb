package io.nudge.cli;

import java.lang.management.ManagementFactory;

/** The machine a benchmark ran on, for its figures. */
final class Machine {
    private Machine() {}

    static String describe() {
        long memory = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
        return String.format("%d cores, %,d MB RAM, Java %s, max heap %,d MB", Runtime.getRuntime().availableProcessors(), memory >> 20,
                System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20);
    }
}
