package io.nudge.dispatcher;

import io.nudge.delivery.Outcome;
import io.nudge.schemas.OutreachAction;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Delivers email through an SMTP server with Jakarta Mail (Eclipse Angus), the text rendered from the action's
 * template ({@link Templates}) and sent to the customer's address in the {@link ContactDirectory}. The message id is
 * the action's, so a mail system that deduplicates on it sees a retried action once. An address the server refuses,
 * no address or no template fails the action; a server that cannot be reached or answers with a temporary error is
 * tried again.
 */
public final class SmtpProvider implements Provider {

    /** What {@link #connect} needs. */
    public record Server(String host, int port, String username, String password, boolean startTls, int timeoutMillis) {}

    private final Session session;
    private final InternetAddress from;
    private final Templates templates;
    private final ContactDirectory contacts;

    public SmtpProvider(Session session, InternetAddress from, Templates templates, ContactDirectory contacts) {
        this.session = session;
        this.from = from;
        this.templates = templates;
        this.contacts = contacts;
    }

    /** A session for {@code server}: authenticated when a username is given, STARTTLS when asked. */
    public static Session connect(Server server) {
        Properties props = new Properties();
        props.put("mail.smtp.host", server.host());
        props.put("mail.smtp.port", String.valueOf(server.port()));
        props.put("mail.smtp.connectiontimeout", String.valueOf(server.timeoutMillis()));
        props.put("mail.smtp.timeout", String.valueOf(server.timeoutMillis()));
        props.put("mail.smtp.writetimeout", String.valueOf(server.timeoutMillis()));
        props.put("mail.smtp.starttls.enable", String.valueOf(server.startTls()));
        props.put("mail.smtp.starttls.required", String.valueOf(server.startTls()));
        boolean auth = !server.username().isEmpty();
        props.put("mail.smtp.auth", String.valueOf(auth));
        if (!auth) {
            return Session.getInstance(props);
        }
        return Session.getInstance(props, new jakarta.mail.Authenticator() {
            @Override
            protected jakarta.mail.PasswordAuthentication getPasswordAuthentication() {
                return new jakarta.mail.PasswordAuthentication(server.username(), server.password());
            }
        });
    }

    @Override
    public String name() {
        return "smtp";
    }

    @Override
    public Outcome deliver(OutreachAction action) {
        String to = contacts.emailOf(action.getCustomerId());
        if (to == null) {
            return new Outcome.Failed("no email address for the customer in the contact directory");
        }
        Map<String, String> values = new HashMap<>(action.getPayload());
        values.put("actionId", action.getActionId());
        values.put("customerId", action.getCustomerId());
        values.put("ruleId", action.getRuleId());
        if (action.getOfferId() != null) {
            values.put("offerId", action.getOfferId());
        }
        Templates.Message rendered = templates.render(action.getTemplateId(), values);
        if (rendered == null) {
            return new Outcome.Failed("no template '" + action.getTemplateId() + "'");
        }
        try {
            MimeMessage message = new ActionMessage(session, action.getActionId());
            message.setFrom(from);
            message.setRecipient(Message.RecipientType.TO, new InternetAddress(to, true));
            message.setSubject(rendered.subject(), StandardCharsets.UTF_8.name());
            message.setText(rendered.text(), StandardCharsets.UTF_8.name());
            Transport.send(message);
            return new Outcome.Accepted(message.getMessageID());
        } catch (AddressException | SendFailedException e) {
            return new Outcome.Failed("address refused: " + e.getClass().getSimpleName());
        } catch (MessagingException e) {
            return new Outcome.Retry("SMTP: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + firstLine(e.getMessage())), null);
        }
    }

    private static String firstLine(String text) {
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }

    /** A message whose id is the action's, the same on every retry. */
    private static final class ActionMessage extends MimeMessage {
        private final String actionId;

        ActionMessage(Session session, String actionId) {
            super(session);
            this.actionId = actionId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", "<" + actionId.replaceAll("[^A-Za-z0-9._-]", "_") + "@nudge>");
        }
    }
}
