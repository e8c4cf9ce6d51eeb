package io.nudge.dispatcher;

import io.nudge.config.NudgeConfig;
import java.util.HashMap;
import java.util.Map;

/** The dispatcher in a JVM of its own, for tests that kill it: settings as key=value arguments. */
public final class DispatcherProcess {

    private DispatcherProcess() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> settings = new HashMap<>();
        for (String arg : args) {
            String[] pair = arg.split("=", 2);
            settings.put(pair[0], pair[1]);
        }
        DispatchService.start(NudgeConfig.of(settings));
        System.out.println("dispatching");
        Thread.currentThread().join();
    }
}
