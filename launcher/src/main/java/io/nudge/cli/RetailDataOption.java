package io.nudge.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The {@code --data} option of the commands that read the UCI Online Retail transactions. */
final class RetailDataOption {

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "Transactions CSV (or .csv.gz).")
    Path data;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    /** The file, once it is known to be readable. */
    Path readable() {
        if (!Files.isReadable(data)) {
            throw new ParameterException(spec.commandLine(), "--data: cannot read " + data.toAbsolutePath());
        }
        return data;
    }
}
