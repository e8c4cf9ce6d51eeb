package io.nudge.cli;

import io.nudge.config.NudgeConfig;
import io.nudge.dispatcher.DispatchService;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The outreach dispatcher as its own process, against an existing Kafka cluster. */
@Command(name = "dispatch", mixinStandardHelpOptions = true,
        description = {"Deliver the outreach the job decides: read the outreach topic (committed actions only) and send each action "
                + "to send through the provider of its channel (dispatch.email, .sms, .push, .web: webhook, smtp or none). The webhook "
                + "POSTs signed JSON to dispatch.webhook.url (Nudge-Signature with dispatch.webhook.secret, Idempotency-Key = the action "
                + "id); smtp sends the action's template to the address in dispatch.smtp.contacts. Retryable failures are tried again "
                + "with backoff; refused actions and exhausted retries go to topic.outreach.failed with the reason. Offsets are "
                + "committed only after a batch was delivered, so a restart loses nothing. /health and /metrics on dispatch.http.port. "
                + "Stop with Ctrl-C (SIGTERM): the batch in hand is finished first; prints what was delivered."})
final class DispatchCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions options;

    @Override
    public Integer call() throws Exception {
        NudgeConfig config = options.load();
        AlreadyInUse.requirePortFree(config.get(NudgeConfig.DISPATCH_HTTP_PORT), "--set dispatch.http.port=PORT");
        DispatchService service = DispatchService.start(config);
        System.out.printf("Dispatching %s from %s; /health and /metrics on port %d.%n", config.get(NudgeConfig.TOPIC_OUTREACH),
                config.get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS), service.port());
        Foreground.runUntilStopped("dispatch", () -> {
            service.close();
            System.out.printf("Dispatcher stopped: %,d actions delivered, %,d failed (see %s).%n", service.dispatcher().delivered(),
                    service.dispatcher().failed(), config.get(NudgeConfig.TOPIC_OUTREACH_FAILED));
        });
        return 0;
    }
}
