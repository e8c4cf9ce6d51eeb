package io.nudge.flink;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a standalone cluster is made of: the Flink runtime's classpath (this module's dependencies, Maven Central
 * artifacts only) and the job jar (module flink-jobs, Flink provided). Both are built by {@code mvn package}.
 *
 * @param classpath the JobManager's and TaskManagers' classpath: Flink and log4j, nothing of Nudge
 * @param jobJar the personalization job as any Flink cluster takes it
 */
public record FlinkDistribution(String classpath, Path jobJar) {

    static final String CLASSPATH_FILE = "flink-local/target/flink-cluster.classpath";
    static final String JOB_JAR = "flink-jobs/target/nudge-job.jar";

    /** The distribution built in the repository at or above {@code start} (the repo root, or a module's directory). */
    public static FlinkDistribution builtIn(Path start) throws IOException {
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            Path classpathFile = dir.resolve(CLASSPATH_FILE);
            if (Files.exists(classpathFile)) {
                Path jobJar = dir.resolve(JOB_JAR);
                if (!Files.exists(jobJar)) {
                    throw new IOException("No job jar at " + jobJar + "; build it with: mvn -pl flink-jobs -am package -DskipTests");
                }
                return new FlinkDistribution(Files.readString(classpathFile).strip(), jobJar);
            }
        }
        throw new IOException("No " + CLASSPATH_FILE + " in " + start.toAbsolutePath() + " or above; build it with: mvn package -DskipTests");
    }
}
