package io.nudge.dispatcher;

import io.nudge.config.ConfigException;
import io.nudge.config.NudgeConfig;
import io.nudge.config.Setting;
import io.nudge.schemas.Channel;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/** The provider of each channel, as the {@code dispatch.*} settings say; channels sharing a provider share its gate. */
public final class Providers {

    private Providers() {}

    public static Map<Channel, ProviderGate> from(NudgeConfig config, Clock clock) {
        Map<Channel, Setting<String>> choice = Map.of(Channel.EMAIL, NudgeConfig.DISPATCH_EMAIL, Channel.SMS, NudgeConfig.DISPATCH_SMS,
                Channel.PUSH, NudgeConfig.DISPATCH_PUSH, Channel.WEB, NudgeConfig.DISPATCH_WEB);
        Map<String, ProviderGate> byName = new HashMap<>();
        Map<Channel, ProviderGate> gates = new EnumMap<>(Channel.class);
        for (Map.Entry<Channel, Setting<String>> channel : choice.entrySet()) {
            String name = config.get(channel.getValue());
            if (name.equals("none")) {
                continue;
            }
            if (name.equals("smtp") && channel.getKey() != Channel.EMAIL) {
                throw new ConfigException(channel.getValue().key() + " smtp carries email only");
            }
            gates.put(channel.getKey(), byName.computeIfAbsent(name, any -> new ProviderGate(provider(name, config, clock),
                    config.get(NudgeConfig.DISPATCH_CONCURRENCY), config.get(NudgeConfig.DISPATCH_RATE))));
        }
        return gates;
    }

    private static Provider provider(String name, NudgeConfig config, Clock clock) {
        if (name.equals("webhook")) {
            String url = config.get(NudgeConfig.DISPATCH_WEBHOOK_URL);
            String secret = config.get(NudgeConfig.DISPATCH_WEBHOOK_SECRET);
            if (url.isEmpty()) {
                throw new ConfigException(NudgeConfig.DISPATCH_WEBHOOK_URL.key() + " is required: a channel is delivered by webhook (or set it to none)");
            }
            if (secret.length() < 16) {
                throw new ConfigException(NudgeConfig.DISPATCH_WEBHOOK_SECRET.key() + " must be at least 16 characters: it signs every call");
            }
            return new WebhookProvider(URI.create(url), secret.getBytes(StandardCharsets.UTF_8), config.get(NudgeConfig.DISPATCH_WEBHOOK_TIMEOUT), clock);
        }
        String host = config.get(NudgeConfig.DISPATCH_SMTP_HOST);
        if (host.isEmpty()) {
            throw new ConfigException(NudgeConfig.DISPATCH_SMTP_HOST.key() + " is required: email is delivered by smtp");
        }
        InternetAddress from;
        try {
            from = new InternetAddress(config.get(NudgeConfig.DISPATCH_SMTP_FROM), true);
        } catch (AddressException e) {
            throw new ConfigException(NudgeConfig.DISPATCH_SMTP_FROM.key() + " must be a sender address: " + e.getMessage());
        }
        String templates = config.get(NudgeConfig.DISPATCH_TEMPLATES_DIR);
        return new SmtpProvider(SmtpProvider.connect(new SmtpProvider.Server(host, config.get(NudgeConfig.DISPATCH_SMTP_PORT),
                config.get(NudgeConfig.DISPATCH_SMTP_USERNAME), config.get(NudgeConfig.DISPATCH_SMTP_PASSWORD), config.get(NudgeConfig.DISPATCH_SMTP_STARTTLS),
                (int) config.get(NudgeConfig.DISPATCH_WEBHOOK_TIMEOUT).toMillis())), from,
                new Templates(templates.isEmpty() ? null : Path.of(templates)), new ContactDirectory(Path.of(config.get(NudgeConfig.DISPATCH_SMTP_CONTACTS))));
    }
}
