package io.nudge.cli;

import io.nudge.config.ConfigurationReference;
import io.nudge.config.NudgeConfig;
import io.nudge.config.Setting;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Lists every setting with its effective value, default and meaning. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "List every setting with its effective value and what it means.")
final class ConfigCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions options;

    @Option(names = "--markdown", description = "Print the configuration reference page (docs/configuration.md) instead: every setting by group, its default and meaning.")
    boolean markdown;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (markdown) {
            out.print(ConfigurationReference.markdown());
            out.flush();
            return 0;
        }
        NudgeConfig config = options.load();
        for (Setting<?> setting : NudgeConfig.settings()) {
            out.printf("%-32s = %s%n    %s (default %s; env %s)%n", setting.key(), setting.shown(config.overrides().getOrDefault(setting.key(), setting.defaultValue())), setting.doc(),
                    setting.defaultValue().isEmpty() ? "empty" : setting.defaultValue(), NudgeConfig.environmentName(setting.key()));
        }
        return 0;
    }
}
