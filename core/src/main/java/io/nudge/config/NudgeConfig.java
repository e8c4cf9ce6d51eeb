package io.nudge.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every knob of Nudge in one typed place, each with a default that makes the demo run with no configuration.
 * Values come, lowest precedence first, from the defaults, a properties file, {@code NUDGE_*} environment
 * variables ({@code kafka.bootstrap.servers} is {@code NUDGE_KAFKA_BOOTSTRAP_SERVERS}) and explicit overrides.
 * Unknown keys and unparsable values fail fast with a message naming the setting.
 */
public final class NudgeConfig {

    private static final Map<String, Setting<?>> SETTINGS = new LinkedHashMap<>();

    public static final Setting<String> KAFKA_BOOTSTRAP_SERVERS = define("kafka.bootstrap.servers", "localhost:9092",
            "Kafka brokers to connect to, host:port[,host:port...].", NudgeConfig::nonBlank);
    public static final Setting<String> TOPIC_EVENTS = define("topic.events", "events",
            "Interaction events (Avro single-object encoded), keyed by profile key.", NudgeConfig::nonBlank);
    public static final Setting<String> TOPIC_EVENTS_DLQ = define("topic.events.dlq", "events-dlq",
            "Input records that could not be used, with the reason.", NudgeConfig::nonBlank);
    public static final Setting<String> TOPIC_PROFILES = define("topic.profiles", "profiles",
            "Compacted changelog of customer profiles, keyed by profile key.", NudgeConfig::nonBlank);
    public static final Setting<Integer> TOPIC_PARTITIONS = define("topic.partitions", "2",
            "Partitions of topics Nudge creates itself; the unit of parallelism.", text -> positiveInt(text));
    public static final Setting<Integer> TOPIC_REPLICATION = define("topic.replication.factor", "1",
            "Replication factor of topics Nudge creates itself.", text -> positiveInt(text));

    public static final Setting<Integer> JOB_PARALLELISM = define("job.parallelism", "1",
            "Parallelism of the personalization job.", text -> positiveInt(text));
    public static final Setting<Duration> JOB_CHECKPOINT_INTERVAL = define("job.checkpoint.interval", "10s",
            "How often the job checkpoints its state (e.g. 500ms, 10s, 1m).", NudgeConfig::positiveDuration);
    public static final Setting<String> JOB_CHECKPOINT_DIR = define("job.checkpoint.dir",
            Path.of(System.getProperty("java.io.tmpdir"), "nudge", "checkpoints").toUri().toString(),
            "Where checkpoints are written (a file:// or object store URI).", NudgeConfig::nonBlank);
    public static final Setting<String> JOB_CONSUMER_GROUP = define("job.consumer.group", "nudge-personalization",
            "Kafka consumer group of the personalization job (offsets are committed on checkpoints).", NudgeConfig::nonBlank);

    public static final Setting<Duration> EVENTS_MAX_OUT_OF_ORDERNESS = define("events.max.out.of.orderness", "5s",
            "How far behind the newest event an event may arrive and still count as on time (watermark bound).",
            NudgeConfig::nonNegativeDuration);
    public static final Setting<Duration> EVENTS_ALLOWED_LATENESS = define("events.allowed.lateness", "10m",
            "Events older than the watermark by more than this go to the dead-letter topic as late.",
            NudgeConfig::nonNegativeDuration);
    public static final Setting<Duration> EVENTS_SOURCE_IDLE_TIMEOUT = define("events.source.idle.timeout", "10s",
            "A partition without events for this long stops holding back the watermark.", NudgeConfig::positiveDuration);

    public static final Setting<Integer> PROFILE_RECENTLY_VIEWED_MAX = define("profile.recently.viewed.max", "20",
            "Recently viewed items kept per profile.", text -> positiveInt(text));
    public static final Setting<Integer> PROFILE_CART_MAX_LINES = define("profile.cart.max.lines", "50",
            "Cart lines kept per profile; the oldest are dropped beyond it.", text -> positiveInt(text));
    public static final Setting<Duration> PROFILE_AFFINITY_HALF_LIFE = define("profile.affinity.half.life", "7d",
            "Time after which an interaction counts half as much towards category affinity.", NudgeConfig::positiveDuration);

    public static final Setting<Integer> HTTP_PORT = define("http.port", "8080",
            "Port of the serving API.", text -> portNumber(text));
    public static final Setting<Integer> HTTP_MAX_BODY_BYTES = define("http.max.body.bytes", "65536",
            "Largest request body the API accepts.", text -> positiveInt(text));
    public static final Setting<Integer> EVENTS_MAX_BATCH = define("events.max.batch", "500",
            "Most events one POST /v1/events may carry.", text -> positiveInt(text));
    public static final Setting<Duration> EVENTS_MAX_CLOCK_SKEW = define("events.max.clock.skew", "5m",
            "The API refuses events stamped further than this in the future.", NudgeConfig::nonNegativeDuration);
    public static final Setting<Duration> EVENTS_MAX_AGE = define("events.max.age", "7d",
            "The API refuses events older than this (use replay for history).", NudgeConfig::positiveDuration);
    public static final Setting<String> OFFERS_CATALOGUE = define("offers.catalogue", "",
            "JSON file with the offers catalogue; empty means the bundled demo catalogue.", text -> text);

    private final Map<String, String> values;

    private NudgeConfig(Map<String, String> values) {
        this.values = values;
        for (Setting<?> setting : SETTINGS.values()) {
            get(setting); // fail fast on any bad value
        }
    }

    public static NudgeConfig defaults() {
        return new NudgeConfig(Map.of());
    }

    /**
     * Defaults overridden by {@code overrides}. Every key must be a known setting and every value must parse,
     * so a typo fails at start-up rather than when the setting is first read.
     */
    public static NudgeConfig of(Map<String, String> overrides) {
        for (Map.Entry<String, String> entry : overrides.entrySet()) {
            Setting<?> setting = SETTINGS.get(entry.getKey());
            if (setting == null) {
                throw new ConfigException("Unknown setting '" + entry.getKey() + "'; known settings: " + SETTINGS.keySet());
            }
            setting.parse(entry.getValue());
        }
        return new NudgeConfig(Map.copyOf(overrides));
    }

    /** Defaults, then the file (if any), then {@code NUDGE_*} variables from {@code environment}, then overrides. */
    public static NudgeConfig load(Path file, Map<String, String> environment, Map<String, String> overrides) {
        Map<String, String> merged = new LinkedHashMap<>();
        if (file != null) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new ConfigException("Cannot read configuration file " + file + ": " + e.getMessage());
            }
            properties.stringPropertyNames().forEach(key -> merged.put(key, properties.getProperty(key)));
        }
        for (String key : SETTINGS.keySet()) {
            String fromEnv = environment.get(environmentName(key));
            if (fromEnv != null) {
                merged.put(key, fromEnv);
            }
        }
        merged.putAll(overrides);
        return of(merged);
    }

    public <T> T get(Setting<T> setting) {
        return setting.parse(values.getOrDefault(setting.key(), setting.defaultValue()));
    }

    /** A copy with one setting changed. */
    public NudgeConfig with(Setting<?> setting, Object value) {
        Map<String, String> changed = new LinkedHashMap<>(values);
        changed.put(setting.key(), String.valueOf(value));
        return of(changed);
    }

    public static List<Setting<?>> settings() {
        return List.copyOf(SETTINGS.values());
    }

    public static String environmentName(String key) {
        return "NUDGE_" + key.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    public Map<String, String> overrides() {
        return Collections.unmodifiableMap(values);
    }

    private static <T> Setting<T> define(String key, String defaultValue, String doc, java.util.function.Function<String, T> parser) {
        Setting<T> setting = new Setting<>(key, defaultValue, doc, parser);
        SETTINGS.put(key, setting);
        return setting;
    }

    private static String nonBlank(String text) {
        if (text.isBlank()) {
            throw new IllegalArgumentException("must not be empty");
        }
        return text;
    }

    private static int positiveInt(String text) {
        int value = integer(text);
        if (value <= 0) {
            throw new IllegalArgumentException("must be at least 1");
        }
        return value;
    }

    private static int portNumber(String text) {
        int value = integer(text);
        if (value < 0 || value > 65535) {
            throw new IllegalArgumentException("must be a port number 0..65535 (0 picks a free port)");
        }
        return value;
    }

    private static int integer(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an integer");
        }
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    /** Parses durations written as {@code 250ms}, {@code 10s}, {@code 5m}, {@code 2h} or {@code 7d}. */
    public static Duration duration(String text) {
        Matcher m = DURATION.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration; write e.g. 250ms, 10s, 5m, 2h or 7d");
        }
        long amount = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    private static Duration nonNegativeDuration(String text) {
        return duration(text);
    }

    private static Duration positiveDuration(String text) {
        Duration value = duration(text);
        if (value.isZero()) {
            throw new IllegalArgumentException("must be longer than zero");
        }
        return value;
    }
}
