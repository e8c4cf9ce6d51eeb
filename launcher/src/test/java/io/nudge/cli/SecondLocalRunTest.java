package io.nudge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What happens when a demo, cluster or benchmark is started while another one holds its directory or port. */
class SecondLocalRunTest {

    @TempDir
    Path parent;

    @Test
    void aRunStartsFromAnEmptyDirectory() throws Exception {
        Path dir = parent.resolve("demo");
        Files.createDirectories(dir.resolve("kafka"));
        Files.writeString(dir.resolve("kafka").resolve("00000.log"), "an earlier run's broker log");

        try (WorkDirectory claimed = WorkDirectory.claim(dir)) {
            assertTrue(Files.isDirectory(claimed.path()));
            try (var left = Files.list(claimed.path())) {
                assertEquals(0, left.count(), "nothing of the earlier run is left");
            }
        }
    }

    @Test
    void aSecondRunOverTheSameDirectoryIsRefusedAndLeavesTheFirstOnesFilesAlone() throws Exception {
        Path dir = parent.resolve("demo");
        try (WorkDirectory first = WorkDirectory.claim(dir)) {
            Path brokerLog = Files.writeString(first.path().resolve("broker.log"), "the running broker's log");

            AlreadyInUse refused = assertThrows(AlreadyInUse.class, () -> WorkDirectory.claim(dir));
            assertTrue(refused.getMessage().contains(dir.toAbsolutePath().toString()), refused.getMessage());
            assertTrue(refused.getMessage().contains("--work-dir"), refused.getMessage());
            assertTrue(Files.exists(brokerLog), "the first run's files are untouched");
        }
        try (WorkDirectory afterwards = WorkDirectory.claim(dir)) {
            assertFalse(Files.exists(afterwards.path().resolve("broker.log")), "once the first run ended, the next one starts clean");
        }
    }

    @Test
    @Timeout(60) // were the directory not refused, the demo would start and run until stopped
    void theLauncherSaysSoInOneLineInsteadOfAStackTrace() throws Exception {
        Path dir = parent.resolve("busy");
        try (WorkDirectory running = WorkDirectory.claim(dir)) {
            StringWriter err = new StringWriter();
            CommandLine nudge = Nudge.commandLine();
            nudge.setErr(new PrintWriter(err));
            int exit = nudge.execute("demo", "--work-dir", dir.toString(), "--port", "0");
            assertEquals(CommandLine.ExitCode.SOFTWARE, exit);
            assertTrue(err.toString().startsWith("nudge: " + dir.toAbsolutePath() + " is in use by another Nudge run"), err.toString());
            assertEquals(1, err.toString().strip().lines().count(), err.toString());
        }
    }

    @Test
    @Timeout(60)
    void aDemoOnAPortAlreadyTakenStopsBeforeStartingAnything() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            StringWriter err = new StringWriter();
            CommandLine nudge = Nudge.commandLine();
            nudge.setErr(new PrintWriter(err));
            Path dir = parent.resolve("second");
            int exit = nudge.execute("demo", "--work-dir", dir.toString(), "--port", String.valueOf(taken.getLocalPort()));
            assertEquals(CommandLine.ExitCode.SOFTWARE, exit);
            assertEquals("nudge: port " + taken.getLocalPort() + " is in use (another Nudge run or another server); stop it, "
                    + "or choose another port with --port", err.toString().strip());
            assertFalse(Files.exists(dir), "nothing was started or created");
        }
    }
}
