package io.nudge.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nudge.config.ConfigException;
import io.nudge.config.NudgeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job jar's program arguments, as flink run or a FlinkDeployment's job.args pass them. */
class JobArgumentsTest {

    @TempDir
    Path dir;

    @Test
    void argumentsOverrideTheFileWhichOverridesTheEnvironmentAndDefaults() throws Exception {
        Path file = Files.writeString(dir.resolve("nudge.properties"), "job.parallelism=8\ntopic.events=shop-events\n");
        NudgeConfig config = JobArguments.config(new String[] {"--config", file.toString(), "job.parallelism=4",
                "job.checkpoint.dir=s3://bucket/checkpoints"}, Map.of("NUDGE_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092", "NUDGE_TOPIC_EVENTS", "env-events"));

        assertEquals(4, config.get(NudgeConfig.JOB_PARALLELISM));
        assertEquals("s3://bucket/checkpoints", config.get(NudgeConfig.JOB_CHECKPOINT_DIR));
        assertEquals("env-events", config.get(NudgeConfig.TOPIC_EVENTS), "the environment overrides the file, as for ./nudge");
        assertEquals("kafka:9092", config.get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS));
        assertEquals("profiles", config.get(NudgeConfig.TOPIC_PROFILES), "unset settings keep their documented defaults");
    }

    @Test
    void malformedArgumentsAndUnknownSettingsAreRefusedByName() {
        ConfigException notAPair = assertThrows(ConfigException.class, () -> JobArguments.config(new String[] {"--parallelism", "4"}, Map.of()));
        assertTrue(notAPair.getMessage().contains("'--parallelism'"), notAPair.getMessage());

        ConfigException noFile = assertThrows(ConfigException.class, () -> JobArguments.config(new String[] {"--config"}, Map.of()));
        assertTrue(noFile.getMessage().contains("--config needs a file"), noFile.getMessage());

        ConfigException unknown = assertThrows(ConfigException.class, () -> JobArguments.config(new String[] {"job.paralelism=4"}, Map.of()));
        assertTrue(unknown.getMessage().contains("'job.paralelism'"), unknown.getMessage());
    }
}
