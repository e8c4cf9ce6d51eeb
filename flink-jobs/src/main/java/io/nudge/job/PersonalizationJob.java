package io.nudge.job;

import io.nudge.config.NudgeConfig;
import io.nudge.events.ProfileKeys;
import io.nudge.job.events.RouteRecords;
import io.nudge.job.events.SourceRecord;
import io.nudge.job.profile.UpdateProfile;
import io.nudge.profile.ProfileSettings;
import io.nudge.schemas.CustomerProfile;
import io.nudge.schemas.DeadLetter;
import io.nudge.schemas.InteractionEvent;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The personalization job: events in, profiles and dead letters out.
 *
 * <pre>
 * events ─ decode + validate ─ event-time watermarks ─ route ─┬─ keyBy(profile key) ─ UpdateProfile ─▶ profiles
 *                                                             └─ bad or late ─────────────────────────▶ events-dlq
 * </pre>
 *
 * The source and sinks come in through the constructor, so the live job, replays and tests run the same graph
 * with different ends.
 */
public final class PersonalizationJob {

    public static final String NAME = "nudge-personalization";

    private final Source<SourceRecord, ?, ?> events;
    private final Sink<CustomerProfile> profiles;
    private final Sink<DeadLetter> deadLetters;
    private final NudgeConfig config;

    public PersonalizationJob(Source<SourceRecord, ?, ?> events, Sink<CustomerProfile> profiles, Sink<DeadLetter> deadLetters,
                              NudgeConfig config) {
        this.events = events;
        this.profiles = profiles;
        this.deadLetters = deadLetters;
        this.config = config;
    }

    /** The job reading and writing the Kafka topics named in {@code config}. */
    public static PersonalizationJob onKafka(NudgeConfig config) {
        return new PersonalizationJob(KafkaEndpoints.eventSource(config), KafkaEndpoints.profileSink(config),
                KafkaEndpoints.deadLetterSink(config), config);
    }

    /** Adds the pipeline to {@code env}. */
    public void build(StreamExecutionEnvironment env) {
        Duration outOfOrderness = config.get(NudgeConfig.EVENTS_MAX_OUT_OF_ORDERNESS);
        WatermarkStrategy<SourceRecord> watermarks = WatermarkStrategy
                .<SourceRecord>forBoundedOutOfOrderness(outOfOrderness)
                // Rejected records carry no trustworthy event time: they must not move the watermark.
                .withTimestampAssigner((record, kafkaTimestamp) ->
                        record.isValid() ? record.event.getEventTime().toEpochMilli() : Long.MIN_VALUE)
                .withIdleness(config.get(NudgeConfig.EVENTS_SOURCE_IDLE_TIMEOUT));

        SingleOutputStreamOperator<InteractionEvent> valid = env
                .fromSource(events, watermarks, "events")
                .uid("events-source")
                .process(new RouteRecords(config.get(NudgeConfig.EVENTS_ALLOWED_LATENESS)))
                .uid("route-records")
                .name("decode, validate, route late");

        valid.getSideOutput(RouteRecords.DEAD_LETTERS)
                .sinkTo(deadLetters)
                .uid("dead-letter-sink")
                .name("events-dlq");

        valid.keyBy(ProfileKeys::of)
                .process(new UpdateProfile(ProfileSettings.from(config)))
                .uid("update-profile")
                .name("update profile")
                .sinkTo(profiles)
                .uid("profile-sink")
                .name("profiles");
    }

    /** Starts the job on {@code env} and returns at once. */
    public JobClient start(StreamExecutionEnvironment env) throws Exception {
        build(env);
        return env.executeAsync(NAME);
    }

    /** Entry point for a Flink cluster: {@code --set key=value} pairs override the defaults. */
    public static void main(String[] args) throws Exception {
        NudgeConfig config = NudgeConfig.load(null, System.getenv(), JobArguments.overrides(args));
        StreamExecutionEnvironment env = FlinkEnvironment.create(config);
        onKafka(config).build(env);
        env.execute(NAME);
    }
}
