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

    @Test
    void capsQuietHoursAndZonesAreReadAsTheirTypesOnce() {
        NudgeConfig config = NudgeConfig.of(Map.of("outreach.cap.email", "2 / 12h", "outreach.quiet.hours", "22:30-07:00",
                "outreach.time.zone", "Europe/Berlin"));
        assertEquals(new Cap(2, Duration.ofHours(12)), config.get(NudgeConfig.OUTREACH_CAP_EMAIL));
        assertTrue(config.get(NudgeConfig.OUTREACH_QUIET_HOURS).contains(java.time.LocalTime.of(23, 0)));
        assertTrue(!config.get(NudgeConfig.OUTREACH_QUIET_HOURS).contains(java.time.LocalTime.of(12, 0)));
        assertEquals(java.time.ZoneId.of("Europe/Berlin"), config.get(NudgeConfig.OUTREACH_TIME_ZONE));
        assertEquals(QuietHours.NONE, NudgeConfig.of(Map.of("outreach.quiet.hours", "")).get(NudgeConfig.OUTREACH_QUIET_HOURS));
        assertTrue(config.get(NudgeConfig.OUTREACH_CAP_EMAIL) == config.get(NudgeConfig.OUTREACH_CAP_EMAIL), "parsed once, not per read");
    }

    @Test
    void settingsThatDoNotGoTogetherAreRefusedWhenTheConfigurationIsMade() {
        ConfigException slides = assertThrows(ConfigException.class,
                () -> NudgeConfig.of(Map.of("trending.window", "1h", "trending.slide", "7m")));
        assertTrue(slides.getMessage().contains("'trending.window' = 1h") && slides.getMessage().contains("'trending.slide' = 7m")
                && slides.getMessage().contains("whole number of slides"), slides.getMessage());
        ConfigException stages = assertThrows(ConfigException.class,
                () -> NudgeConfig.of(Map.of("lifecycle.at.risk.after", "200d")));
        assertTrue(stages.getMessage().contains("lifecycle.lapsed.after"), stages.getMessage());
        ConfigException replicas = assertThrows(ConfigException.class,
                () -> NudgeConfig.of(Map.of("serving.replica", "1/3", "serving.replica.urls", "http://a:8080,http://b:8080")));
        assertTrue(replicas.getMessage().contains("one URL per replica"), replicas.getMessage());
        NudgeConfig.of(Map.of("trending.window", "30m", "trending.slide", "10m")); // a whole number of slides: fine
        NudgeConfig changed = NudgeConfig.defaults().with(Map.of(NudgeConfig.TRENDING_WINDOW, "20s", NudgeConfig.TRENDING_SLIDE, "5s"));
        assertEquals(Duration.ofSeconds(20), changed.get(NudgeConfig.TRENDING_WINDOW), "settings a rule joins change together");
    }
}
