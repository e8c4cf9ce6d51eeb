package io.nudge.cli;

import io.nudge.config.NudgeConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The configuration options every command shares: a properties file and single overrides. */
final class ConfigOptions {

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with settings (see 'nudge config').")
    Path file;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one setting; repeatable.")
    Map<String, String> overrides = new LinkedHashMap<>();

    NudgeConfig load() {
        return NudgeConfig.load(file, System.getenv(), overrides);
    }
}
