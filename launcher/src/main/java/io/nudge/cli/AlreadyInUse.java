package io.nudge.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** A local resource that another process holds (a run's work directory, the API's port): reported in one line. */
final class AlreadyInUse extends IOException {

    AlreadyInUse(String message) {
        super(message);
    }

    /**
     * Fails now if nothing could listen on {@code port}, rather than after the broker and the job have started.
     *
     * @param howToChange the option or setting that picks another port, for the message
     */
    static void requirePortFree(int port, String howToChange) throws AlreadyInUse {
        if (port == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            throw new AlreadyInUse("port " + port + " is in use (another Nudge run or another server); stop it, or choose another port with "
                    + howToChange);
        }
    }
}
