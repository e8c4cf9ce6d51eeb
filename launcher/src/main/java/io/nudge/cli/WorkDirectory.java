package io.nudge.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A local run's directory (broker log, checkpoints), wiped at start and held for the run.
 *
 * <p>A second {@code ./nudge demo} over the same directory would wipe the broker log and checkpoints under the first
 * one's feet; the lock (a file next to the directory, so the wipe leaves it alone) turns that into a clear refusal.
 * The operating system releases it when the process dies, however it dies.
 */
final class WorkDirectory implements AutoCloseable {

    private final Path dir;
    private final FileChannel lockFile;
    private final FileLock lock;

    private WorkDirectory(Path dir, FileChannel lockFile, FileLock lock) {
        this.dir = dir;
        this.lockFile = lockFile;
        this.lock = lock;
    }

    /** Locks {@code dir} for this process, then empties it. */
    static WorkDirectory claim(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath().normalize();
        Files.createDirectories(absolute.getParent());
        Path lockPath = absolute.resolveSibling(absolute.getFileName() + ".lock");
        FileChannel channel = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException heldHere) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new AlreadyInUse(absolute + " is in use by another Nudge run (a demo, cluster or benchmark); stop that run first, "
                    + "or give this one its own --work-dir");
        }
        WorkDirectory claimed = new WorkDirectory(absolute, channel, lock);
        try {
            wipe(absolute);
        } catch (IOException | RuntimeException e) {
            claimed.close();
            throw e;
        }
        return claimed;
    }

    Path path() {
        return dir;
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            lockFile.close();
        }
    }

    private static void wipe(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(dir);
    }
}
