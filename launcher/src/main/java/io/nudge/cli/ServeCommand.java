package io.nudge.cli;

import io.nudge.config.NudgeConfig;
import io.nudge.serving.ServingApi;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * One serving replica against an existing Kafka cluster, as deployed behind a load balancer: it materialises the
 * changelogs, then answers on http.port until stopped.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run one serving API replica against the Kafka cluster in kafka.bootstrap.servers (the job runs elsewhere, "
                + "e.g. on a Flink cluster). Every replica reads the whole profiles changelog, so any replica answers for any "
                + "customer: run as many as the load needs behind a round-robin load balancer, all with the same api.admin.key "
                + "and api.site.keys. /health answers 503 until the replica has caught up. Stop with Ctrl-C (SIGTERM)."})
final class ServeCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions options;

    @Override
    public Integer call() throws Exception {
        NudgeConfig config = options.load();
        AlreadyInUse.requirePortFree(config.get(NudgeConfig.HTTP_PORT), "--set http.port=PORT");
        ServingApi api = ServingApi.start(config);
        System.out.printf("Serving on port %d from %s; ready once the changelogs are read (GET /health).%n", api.port(),
                config.get(NudgeConfig.KAFKA_BOOTSTRAP_SERVERS));
        Foreground.runUntilStopped("serve", api::close);
        return 0;
    }
}
