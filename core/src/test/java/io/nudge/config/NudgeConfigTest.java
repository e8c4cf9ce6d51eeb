package io.nudge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NudgeConfigTest {

    @Test
    void everySettingHasAUsableDefault() {
        NudgeConfig config = NudgeConfig.defaults();
        for (Setting<?> setting : NudgeConfig.settings()) {
            config.get(setting);
            assertTrue(!setting.doc().isBlank(), setting + " is documented");
        }
        assertEquals(8080, config.get(NudgeConfig.HTTP_PORT));
        assertEquals(Duration.ofSeconds(2), config.get(NudgeConfig.JOB_CHECKPOINT_INTERVAL));
    }

    @Test
    void fileThenEnvironmentThenOverrides(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("nudge.properties");
        Files.writeString(file, "http.port=9000\ntopic.events=from-file\njob.parallelism=3\n");

        NudgeConfig config = NudgeConfig.load(file,
                Map.of("NUDGE_TOPIC_EVENTS", "from-env", "NUDGE_JOB_PARALLELISM", "4", "UNRELATED", "x"),
                Map.of("job.parallelism", "2"));

        assertEquals(9000, config.get(NudgeConfig.HTTP_PORT));
        assertEquals("from-env", config.get(NudgeConfig.TOPIC_EVENTS));
        assertEquals(2, config.get(NudgeConfig.JOB_PARALLELISM));
    }

    @Test
    void errorsNameTheSettingAndTheValue() {
        ConfigException bad = assertThrows(ConfigException.class, () -> NudgeConfig.of(Map.of("http.port", "eighty")));
        assertEquals("Invalid value 'eighty' for setting 'http.port': not an integer", bad.getMessage());

        ConfigException unknown = assertThrows(ConfigException.class, () -> NudgeConfig.of(Map.of("http.prot", "80")));
        assertTrue(unknown.getMessage().startsWith("Unknown setting 'http.prot'"));

        assertThrows(ConfigException.class, () -> NudgeConfig.of(Map.of("job.checkpoint.interval", "10 parsecs")));
        assertEquals(Duration.ofMillis(250), NudgeConfig.of(Map.of("job.checkpoint.interval", "250ms")).get(NudgeConfig.JOB_CHECKPOINT_INTERVAL));
    }

    @Test
    void durationsAreWrittenTheWayTheyAreRead() {
        for (String text : java.util.List.of("250ms", "10s", "30m", "24h", "7d")) {
            assertEquals(text, NudgeConfig.durationText(NudgeConfig.duration(text)));
        }
        assertEquals("36h", NudgeConfig.durationText(Duration.ofHours(36)));
    }
}
