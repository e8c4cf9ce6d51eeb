package io.nudge.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The configuration reference page ({@code docs/configuration.md}), written from the settings' own definitions so that
 * it cannot drift from them: {@code ./nudge config --markdown} prints it, and a test fails when the page differs.
 */
public final class ConfigurationReference {

    /** What each group of settings (the first part of their keys) is about. */
    private static final Map<String, String> GROUPS = new LinkedHashMap<>();

    static {
        GROUPS.put("kafka", "Kafka");
        GROUPS.put("topic", "Topics");
        GROUPS.put("job", "The personalization job");
        GROUPS.put("events", "Events: time and admission");
        GROUPS.put("archive", "Archive");
        GROUPS.put("profile", "Customer profiles");
        GROUPS.put("lifecycle", "Lifecycle stages");
        GROUPS.put("crosssell", "Cross-sell");
        GROUPS.put("trending", "Trending");
        GROUPS.put("recommend", "Item recommendations");
        GROUPS.put("offers", "Offers");
        GROUPS.put("segments", "Segments");
        GROUPS.put("experiments", "Experiments");
        GROUPS.put("outreach", "Outreach");
        GROUPS.put("dispatch", "Delivery (./nudge dispatch)");
        GROUPS.put("http", "HTTP server");
        GROUPS.put("api", "API keys, privacy and limits");
        GROUPS.put("serving", "Serving replicas");
    }

    private ConfigurationReference() {}

    public static String markdown() {
        StringBuilder page = new StringBuilder();
        page.append("# Configuration\n\n")
                .append("<!-- Written by `./nudge config --markdown` from the settings' definitions in NudgeConfig; do not edit by hand. -->\n\n")
                .append("Every setting has a default, so nothing needs configuring for the demo. Values are read, later winning, from the\n")
                .append("defaults, a properties file (`--config FILE`), `NUDGE_*` environment variables and `--set key=value`; the job jar\n")
                .append("takes the same `key=value` arguments. An unknown key or a bad value stops the command with a message naming it.\n")
                .append("Durations are written `250ms`, `10s`, `5m`, `2h`, `7d`. `./nudge config` prints every setting's effective value.\n");
        for (Map.Entry<String, String> group : GROUPS.entrySet()) {
            List<Setting<?>> settings = NudgeConfig.settings().stream().filter(s -> s.key().startsWith(group.getKey() + ".")).toList();
            if (settings.isEmpty()) {
                continue;
            }
            page.append("\n## ").append(group.getValue()).append("\n\n")
                    .append("| Setting | Default | Environment variable | Meaning |\n|---|---|---|---|\n");
            for (Setting<?> setting : settings) {
                page.append("| `").append(setting.key()).append("` | ").append(shownDefault(setting)).append(" | `")
                        .append(NudgeConfig.environmentName(setting.key())).append("` | ")
                        .append(setting.doc().replace("|", "\\|")).append(setting.secret() ? " Secret: never printed." : "").append(" |\n");
            }
        }
        List<String> ungrouped = NudgeConfig.settings().stream().map(Setting::key)
                .filter(key -> !GROUPS.containsKey(key.substring(0, key.indexOf('.')))).toList();
        if (!ungrouped.isEmpty()) {
            throw new IllegalStateException("settings without a group in the reference: " + ungrouped);
        }
        return page.toString();
    }

    /** The default as a reader should see it: empty said so, the temporary directory by name rather than this machine's. */
    private static String shownDefault(Setting<?> setting) {
        if (setting.defaultValue().isEmpty()) {
            return "empty";
        }
        String temporary = Path.of(System.getProperty("java.io.tmpdir")).toUri().toString();
        return "`" + setting.defaultValue().replace(temporary, "file://<java.io.tmpdir>/").replace("|", "\\|") + "`";
    }
}
