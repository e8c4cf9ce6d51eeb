package io.nudge.config;

/** A configuration that cannot be used; the message names the setting and the value. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
