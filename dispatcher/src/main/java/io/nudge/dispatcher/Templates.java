package io.nudge.dispatcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Message templates by template id: {@code <templateId>.txt} in a directory ({@code dispatch.templates.dir}), else
 * among the built-in ones. A template's first line is {@code Subject: ...}, then a blank line, then the text;
 * {@code {{name}}} is replaced by the action's payload entry of that name (or {@code actionId}, {@code customerId},
 * {@code ruleId}, {@code offerId}); a name the action lacks becomes empty.
 */
public final class Templates {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_.-]+)\\s*}}");

    /** A template filled in for one action. */
    public record Message(String subject, String text) {}

    private record Template(String subject, String text) {}

    private final Path directory;
    private final Map<String, Template> cache = new ConcurrentHashMap<>();

    /** @param directory where the shop's templates are, or null for the built-in ones only */
    public Templates(Path directory) {
        this.directory = directory;
    }

    /** The message of {@code templateId} with {@code values} filled in, or null when there is no such template. */
    public Message render(String templateId, Map<String, String> values) {
        if (!templateId.matches("[A-Za-z0-9_-]+")) {
            return null;
        }
        Template template = cache.computeIfAbsent(templateId, this::load);
        if (template == null) {
            return null;
        }
        return new Message(fill(template.subject(), values), fill(template.text(), values));
    }

    private Template load(String templateId) {
        try {
            String source = null;
            if (directory != null && Files.isRegularFile(directory.resolve(templateId + ".txt"))) {
                source = Files.readString(directory.resolve(templateId + ".txt"), StandardCharsets.UTF_8);
            } else {
                try (InputStream builtIn = Templates.class.getResourceAsStream("templates/" + templateId + ".txt")) {
                    source = builtIn == null ? null : new String(builtIn.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
            return source == null ? null : parse(source);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read template " + templateId, e);
        }
    }

    private static Template parse(String source) {
        String normalised = source.replace("\r\n", "\n");
        int firstLineEnd = normalised.indexOf('\n');
        String first = firstLineEnd < 0 ? normalised : normalised.substring(0, firstLineEnd);
        if (!first.startsWith("Subject:")) {
            return new Template("", normalised);
        }
        return new Template(first.substring("Subject:".length()).trim(), firstLineEnd < 0 ? "" : normalised.substring(firstLineEnd + 1).stripLeading());
    }

    private static String fill(String text, Map<String, String> values) {
        Matcher matcher = PLACEHOLDER.matcher(text);
        StringBuilder filled = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(filled, Matcher.quoteReplacement(values.getOrDefault(matcher.group(1), "")));
        }
        matcher.appendTail(filled);
        return filled.toString();
    }
}
