package io.nudge.job;

import io.nudge.config.ConfigException;
import io.nudge.config.NudgeConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the program arguments a Flink cluster passes to the job's main method: an optional
 * {@code --config <properties file>} (the same file ./nudge takes), then {@code key=value} settings that override
 * it. Settings missing from both come from {@code NUDGE_*} environment variables, then the documented defaults.
 */
final class JobArguments {
    private JobArguments() {}

    static NudgeConfig config(String[] args, Map<String, String> environment) {
        Path file = null;
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--config")) {
                if (i + 1 == args.length) {
                    throw new ConfigException("--config needs a file: --config /path/to/nudge.properties");
                }
                file = Path.of(args[++i]);
                continue;
            }
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("Job arguments are [--config file] key=value ...; got '" + arg + "'");
            }
            overrides.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        return NudgeConfig.load(file, environment, overrides);
    }
}
