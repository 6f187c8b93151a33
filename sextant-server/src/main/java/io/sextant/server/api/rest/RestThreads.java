package io.sextant.server.api.rest;

import io.javalin.config.JavalinConfig;
import java.util.Locale;
import java.util.concurrent.Executors;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The threads the REST listener runs on, chosen by the system property {@code
 * sextant.rest.threads} (set through {@code SEXTANT_JAVA_OPTS}):
 *
 * <ul>
 *   <li>{@code platform} (the default): Jetty's {@link QueuedThreadPool} (8 to 250 threads).
 *       Selectors and handlers run on pooled platform threads; a selector thread that finds a
 *       request runs it itself while an idle thread takes over selecting, so a request is not
 *       handed to another thread on its way in.
 *   <li>{@code virtual}: every Jetty task, selectors included, on a new virtual thread (Javalin's
 *       {@code useVirtualThreads}); a request crosses from the selector's virtual thread to its
 *       handler's, through the carrier pool.
 *   <li>{@code hybrid}: selectors on the platform pool, handlers on virtual threads (Jetty's
 *       virtual-threads executor).
 * </ul>
 *
 * The choice was measured: {@code docs/server-path.md} in this module. Stateless.
 */
final class RestThreads {

    static final String PROPERTY = "sextant.rest.threads";

    private RestThreads() {}

    /** Configures {@code config} for the mode of {@link #PROPERTY}. */
    static void configure(JavalinConfig config) {
        String mode = System.getProperty(PROPERTY, "platform").toLowerCase(Locale.ROOT);
        switch (mode) {
            case "virtual" -> config.concurrency.useVirtualThreads = true;
            case "platform", "hybrid" -> {
                config.concurrency.useVirtualThreads = false;
                QueuedThreadPool pool = new QueuedThreadPool(250, 8, 60_000);
                pool.setName("rest");
                if (mode.equals("hybrid")) {
                    pool.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
                }
                config.jetty.threadPool = pool;
            }
            default ->
                throw new IllegalArgumentException(
                        PROPERTY + " must be platform, virtual or hybrid, not '" + mode + "'");
        }
    }
}
