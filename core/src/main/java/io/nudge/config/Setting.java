package io.nudge.config;

import java.util.Objects;
import java.util.function.Function;

/**
 * One named configuration knob: its key, its default, what it means, and how its text is parsed and checked.
 *
 * @param <T> the parsed type
 */
public final class Setting<T> {
    private final String key;
    private final String defaultValue;
    private final String doc;
    private final Function<String, T> parser;

    Setting(String key, String defaultValue, String doc, Function<String, T> parser) {
        this.key = Objects.requireNonNull(key);
        this.defaultValue = Objects.requireNonNull(defaultValue);
        this.doc = Objects.requireNonNull(doc);
        this.parser = Objects.requireNonNull(parser);
    }

    public String key() {
        return key;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String doc() {
        return doc;
    }

    /** @throws ConfigException naming this setting and the bad value */
    T parse(String text) {
        try {
            return parser.apply(text.strip());
        } catch (RuntimeException e) {
            throw new ConfigException("Invalid value '" + text + "' for setting '" + key + "': " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return key;
    }
}
