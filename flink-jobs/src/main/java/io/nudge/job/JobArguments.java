package io.nudge.job;

import io.nudge.config.ConfigException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads {@code key=value} settings given to the job's main method by a Flink cluster (which passes program
 * arguments as plain strings; the user-facing commands use the ./nudge launcher instead).
 */
final class JobArguments {
    private JobArguments() {}

    static Map<String, String> overrides(String[] args) {
        Map<String, String> overrides = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("Job arguments are key=value settings; got '" + arg + "'");
            }
            overrides.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        return overrides;
    }
}
