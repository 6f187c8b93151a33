package io.sextant.server;

import io.sextant.server.config.ConfigLoader;
import io.sextant.server.config.ServerConfig;
import io.sextant.shard.LocalShard;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * The {@code sextant} command line. {@code serve} loads the configuration (file, then {@code
 * QDRANT__SECTION__KEY} and {@code SEXTANT__SECTION__KEY} environment variables, then flags; see
 * {@link ConfigLoader}), sets up logging from it, starts the node and runs until
 * SIGTERM or SIGINT, on which it drains in-flight requests, flushes and closes every collection and
 * exits with status 0.
 */
@Command(
        name = "sextant",
        mixinStandardHelpOptions = true,
        versionProvider = io.sextant.server.cli.VersionProvider.class,
        description = "Sextant vector database",
        subcommands = {
            Main.Serve.class,
            io.sextant.server.snapshot.BackupCommand.class,
            io.sextant.server.cli.ImportCommand.class,
            io.sextant.server.cli.SnapshotCommand.class
        })
public final class Main implements Callable<Integer> {

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }

    public static void main(String[] args) {
        int code = new CommandLine(new Main()).execute(args);
        System.exit(code);
    }

    /** {@code sextant serve}. */
    @Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the server")
    static final class Serve implements Callable<Integer> {

        @Option(
                names = {"--config-path", "--config"},
                description = "YAML configuration file with Qdrant's keys (config/config.yaml lists them all)")
        Path configFile;

        @Option(names = "--storage-path", description = "Data directory (storage.storage_path)")
        Path storagePath;

        @Option(names = "--http-port", description = "REST port (service.http_port)")
        Integer httpPort;

        @Option(names = "--grpc-port", description = "gRPC port (service.grpc_port)")
        Integer grpcPort;

        @Option(names = "--host", description = "Address to bind (service.host)")
        String host;

        @Option(
                names = "--uri",
                description = "This peer's p2p URI in cluster mode, as other peers reach it (http://host:6335)")
        String uri;

        @Option(
                names = "--bootstrap",
                description = "p2p URI of a running peer to join (cluster mode); omit on the first peer")
        String bootstrap;

        @Override
        public Integer call() throws Exception {
            ServerConfig config;
            try {
                config = ConfigLoader.load(
                        configFile,
                        System.getenv(),
                        new ConfigLoader.CliOverrides(host, httpPort, grpcPort, storagePath, uri, bootstrap));
            } catch (IllegalArgumentException e) {
                System.err.println("sextant: invalid configuration: " + e.getMessage());
                return 2;
            }
            io.sextant.server.logging.LogSetup.apply(config.logging());
            Logger log = LoggerFactory.getLogger(Main.class);
            CountDownLatch stop = new CountDownLatch(1);
            for (String sig : new String[] {"TERM", "INT"}) {
                Signal.handle(new Signal(sig), s -> {
                    log.info("Received SIG{}, shutting down", s.getName());
                    stop.countDown();
                });
            }
            SextantServer server;
            try {
                server = SextantServer.start(config, LocalShard::open);
            } catch (io.sextant.segment.error.ServiceException e) {
                // storage locked by another process, unreadable storage, a port in use: say why
                log.debug("Start-up failed", e);
                System.err.println("sextant: cannot start: " + e.getMessage());
                return 1;
            }
            Thread hook = new Thread(server::close, "sextant-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            stop.await();
            server.close();
            Runtime.getRuntime().removeShutdownHook(hook);
            return 0;
        }
    }
}
