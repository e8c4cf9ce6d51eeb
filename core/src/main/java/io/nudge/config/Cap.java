package io.nudge.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A frequency cap: at most {@code max} contacts per {@code per}. Written {@code N/period}: {@code 1/24h}, {@code 3/7d}. */
public record Cap(int max, Duration per) implements Serializable {

    private static final Pattern FORM = Pattern.compile("(\\d+)\\s*/\\s*(\\S+)");

    public static Cap parse(String text) {
        Matcher m = FORM.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("write a cap as N/period, e.g. 1/24h or 3/7d");
        }
        Duration per = NudgeConfig.duration(m.group(2));
        if (per.isZero() || per.isNegative()) {
            throw new IllegalArgumentException("the period must be longer than 0");
        }
        return new Cap(Integer.parseInt(m.group(1)), per);
    }

    @Override
    public String toString() {
        return max + "/" + NudgeConfig.durationText(per);
    }
}
