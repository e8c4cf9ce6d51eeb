package io.nudge.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.nudge.delivery.Outcome;
import io.nudge.schemas.Channel;
import io.nudge.schemas.OutreachStatus;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Email through a real SMTP server (GreenMail), rendered from a template, to the address the contact directory gives. */
class SmtpProviderTest {

    @TempDir
    Path dir;

    @Test
    void anActionBecomesAnEmailFromItsTemplateAndUnknownCustomersOrTemplatesFail() throws Exception {
        GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        try {
            Path contacts = dir.resolve("contacts.csv");
            Files.writeString(contacts, "customerId,email\nc-ann,ann@shop.example\n");
            Path templates = Files.createDirectories(dir.resolve("templates"));
            Files.writeString(templates.resolve("price-drop.txt"), "Subject: {{itemTitle}} for less\n\nNow {{price}} instead of {{seenPrice}}. Ref {{actionId}}\n");
            SmtpProvider provider = new SmtpProvider(SmtpProvider.connect(new SmtpProvider.Server("127.0.0.1", smtp.getSmtp().getPort(), "", "", false, 5_000)),
                    new InternetAddress("shop@shop.example"), new Templates(templates), new ContactDirectory(contacts));

            var action = DispatcherIT.action("rule:1:c-ann:42", "c-ann", Channel.EMAIL, "price-drop", OutreachStatus.SEND);
            action.setPayload(Map.of("itemTitle", "Brass lamp", "price", "60.0", "seenPrice", "80.0"));
            assertInstanceOf(Outcome.Accepted.class, provider.deliver(action));
            assertInstanceOf(Outcome.Accepted.class, provider.deliver(action), "a retry sends again: the message id tells them apart");

            MimeMessage[] received = smtp.getReceivedMessages();
            assertEquals(2, received.length);
            assertEquals("Brass lamp for less", received[0].getSubject());
            assertEquals("ann@shop.example", received[0].getAllRecipients()[0].toString());
            assertTrue(((String) received[0].getContent()).contains("Now 60.0 instead of 80.0. Ref rule:1:c-ann:42"), (String) received[0].getContent());
            assertEquals(received[0].getMessageID(), received[1].getMessageID(), "one message id per action");

            var stranger = DispatcherIT.action("rule:1:c-bob:42", "c-bob", Channel.EMAIL, "price-drop", OutreachStatus.SEND);
            assertEquals(new Outcome.Failed("no email address for the customer in the contact directory"), provider.deliver(stranger));
            var untemplated = DispatcherIT.action("rule:1:c-ann:43", "c-ann", Channel.EMAIL, "no-such-template", OutreachStatus.SEND);
            assertEquals(new Outcome.Failed("no template 'no-such-template'"), provider.deliver(untemplated));
        } finally {
            smtp.stop();
        }
    }

    @Test
    void anUnreachableServerIsWorthAnotherTry() throws Exception {
        Path contacts = dir.resolve("contacts.csv");
        Files.writeString(contacts, "c-ann,ann@shop.example\n");
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        SmtpProvider provider = new SmtpProvider(SmtpProvider.connect(new SmtpProvider.Server("127.0.0.1", closedPort, "", "", false, 2_000)),
                new InternetAddress("shop@shop.example"), new Templates(null), new ContactDirectory(contacts));
        assertInstanceOf(Outcome.Retry.class, provider.deliver(DispatcherIT.action("a", "c-ann", Channel.EMAIL, "price-drop", OutreachStatus.SEND)));
    }
}
