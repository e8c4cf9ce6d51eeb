package io.nudge.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How busy the machine's processors were between two readings of {@code /proc/stat} (Linux): the share of
 * processor time not idle, over every process. Tells a benchmark whether a run was limited by the cores or by
 * something else; 0 where {@code /proc/stat} is not there.
 */
final class MachineCpu {
    private static final Path STAT = Path.of("/proc/stat");

    private final long[] start = read();

    /** The busy share since this was created, 0..1. */
    double busy() {
        long[] end = read();
        long total = end[0] - start[0];
        return total <= 0 ? 0 : 1.0 - (double) (end[1] - start[1]) / total;
    }

    /** {total, idle (idle + iowait)} jiffies of all processors. */
    private static long[] read() {
        if (!Files.isReadable(STAT)) {
            return new long[] {0, 0};
        }
        try {
            String[] fields = Files.readAllLines(STAT).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < fields.length; i++) {
                total += Long.parseLong(fields[i]);
            }
            long idle = Long.parseLong(fields[4]) + (fields.length > 5 ? Long.parseLong(fields[5]) : 0);
            return new long[] {total, idle};
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
