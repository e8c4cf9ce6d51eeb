package io.nudge.replay;

import io.nudge.config.NudgeConfig;
import io.nudge.job.FlinkEnvironment;
import io.nudge.job.PersonalizationJob;
import io.nudge.job.events.RouteRecords;
import io.nudge.schemas.Codecs;
import io.nudge.schemas.DeadLetter;
import io.nudge.schemas.OutreachAction;
import io.nudge.serving.kafka.TopicSetup;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;

/**
 * Runs a replay job to its end on a local Flink MiniCluster, showing progress, and summarises what it wrote
 * to its namespace.
 */
public final class ReplayRun {

    /** What a replay read and wrote. */
    public record Summary(long recordsRead, Map<String, Long> rejectedByReason, int profiles, Map<String, Long> actionsByStatus,
                          Duration took) {}

    private ReplayRun() {}

    /**
     * @param expectedRecords for the ETA, when known (else 0)
     */
    public static Summary run(PersonalizationJob job, NudgeConfig replayConfig, long expectedRecords, PrintWriter progress) throws Exception {
        TopicSetup.ensureTopics(replayConfig);
        long started = System.nanoTime();
        JobClient client = job.start(FlinkEnvironment.create(replayConfig));
        // Locally the job's MiniCluster shuts down when the job ends: ask for the result first, progress meanwhile.
        CompletableFuture<JobExecutionResult> result = client.getJobExecutionResult();
        long read = 0;
        while (true) {
            try {
                result.get(1, TimeUnit.SECONDS);
                break;
            } catch (TimeoutException stillRunning) {
                read = recordsRead(client, read);
                double seconds = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
                double rate = read / seconds;
                String eta = expectedRecords > 0 && rate > 0 ? String.format(", ETA %.0f s", Math.max(0, (expectedRecords - read) / rate)) : "";
                progress.printf("\rreplayed %,d%s events, %,.0f events/s%s   ", read,
                        expectedRecords > 0 ? String.format(" of %,d", expectedRecords) : "", rate, eta).flush();
            }
        }
        Object total = result.get().getAllAccumulatorResults().get(RouteRecords.RECORDS_READ);
        long recordsRead = total == null ? read : ((Number) total).longValue();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        progress.printf("\rreplayed %,d events in %.1f s%n", recordsRead, took.toMillis() / 1000.0).flush();
        return summarise(replayConfig, recordsRead, took);
    }

    private static long recordsRead(JobClient client, long previous) {
        try {
            Object value = client.getAccumulators().get(10, TimeUnit.SECONDS).get(RouteRecords.RECORDS_READ);
            return value == null ? previous : ((Number) value).longValue();
        } catch (Exception e) {
            return previous; // progress is best effort; the job's own result decides success
        }
    }

    static Summary summarise(NudgeConfig replayConfig, long recordsRead, Duration took) throws Exception {
        Map<String, Long> rejected = new TreeMap<>();
        for (TopicContents.Entry entry : TopicContents.read(replayConfig, replayConfig.get(NudgeConfig.TOPIC_EVENTS_DLQ))) {
            DeadLetter letter = Codecs.DEAD_LETTERS.decode(entry.value());
            rejected.merge(letter.getReason().split(":")[0], 1L, Long::sum);
        }
        Set<String> profiles = new HashSet<>();
        for (TopicContents.Entry entry : TopicContents.read(replayConfig, replayConfig.get(NudgeConfig.TOPIC_PROFILES))) {
            if (entry.value() != null) {
                profiles.add(entry.key());
            }
        }
        Map<String, Long> actions = new TreeMap<>();
        for (TopicContents.Entry entry : TopicContents.read(replayConfig, replayConfig.get(NudgeConfig.TOPIC_OUTREACH))) {
            OutreachAction action = Codecs.OUTREACH.decode(entry.value());
            actions.merge(action.getStatus().name().toLowerCase(Locale.ROOT), 1L, Long::sum);
        }
        return new Summary(recordsRead, rejected, profiles.size(), actions, took);
    }
}
