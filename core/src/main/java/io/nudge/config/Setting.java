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
    private final boolean secret;

    Setting(String key, String defaultValue, String doc, Function<String, T> parser, boolean secret) {
        this.key = Objects.requireNonNull(key);
        this.defaultValue = Objects.requireNonNull(defaultValue);
        this.doc = Objects.requireNonNull(doc);
        this.parser = Objects.requireNonNull(parser);
        this.secret = secret;
    }

    /** How a value of this setting may be shown (in listings, errors): a secret's only as set or empty. */
    public String shown(String value) {
        return secret && !value.isEmpty() ? "(secret, set)" : value;
    }

    public String key() {
        return key;
    }

    public boolean secret() {
        return secret;
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
            throw new ConfigException("Invalid value '" + shown(text) + "' for setting '" + key + "': "
                    + (secret ? "not in the expected form" : e.getMessage()));
        }
    }

    @Override
    public String toString() {
        return key;
    }
}
