package io.sextant.server.snapshot;

import io.sextant.collection.snapshot.S3StoreConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Adobe S3Mock's standalone jar (copied to {@code target/s3mock/s3mock.jar} by the build) run as
 * its own JVM: a real S3-compatible HTTP server, so tests exercise the real AWS SDK over the wire.
 * One instance per test JVM, started on first use and stopped at JVM exit. Thread-safe.
 */
public final class S3MockServer {
    public static final String BUCKET = "sextant-test";
    private static S3MockServer instance;

    private final Process process;
    private final int port;

    private S3MockServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static synchronized S3MockServer get() {
        if (instance == null) {
            instance = start();
        }
        return instance;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public S3StoreConfig config(String prefix) {
        return new S3StoreConfig(BUCKET, "us-east-1", "test-key", "test-secret", endpoint(), prefix);
    }

    private static S3MockServer start() {
        Path jar = Path.of("target/s3mock/s3mock.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    "S3Mock jar missing at " + jar + " (the maven-dependency-plugin copies it)");
        }
        try {
            int port = freePort();
            int https = freePort();
            Path root = Files.createTempDirectory("s3mock");
            Path log = root.resolve("s3mock.log");
            String java = ProcessHandle.current().info().command().orElse("java");
            Process p = new ProcessBuilder(
                            java,
                            "-Xmx384m",
                            "-XX:TieredStopAtLevel=1",
                            "-jar",
                            jar.toString(),
                            "--http.port=" + port,
                            "--server.port=" + https,
                            "--com.adobe.testing.s3mock.store.root=" + root.resolve("data"),
                            "--com.adobe.testing.s3mock.store.initial-buckets=" + BUCKET,
                            "--com.adobe.testing.s3mock.max-payload-size=2GB",
                            "--logging.level.root=WARN")
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
            HttpClient http = HttpClient.newHttpClient();
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (System.nanoTime() < deadline) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("S3Mock exited: " + Files.readString(log));
                }
                try {
                    var resp = http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                                    .timeout(Duration.ofSeconds(2))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (resp.statusCode() == 200 && resp.body().contains(BUCKET)) {
                        return new S3MockServer(p, port);
                    }
                } catch (IOException e) {
                    // not up yet
                }
                Thread.sleep(250);
            }
            p.destroyForcibly();
            throw new IllegalStateException("S3Mock did not start within 120 s: " + Files.readString(log));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Stops the server (normally left to the JVM's exit). */
    public void stop() {
        process.destroy();
    }
}
