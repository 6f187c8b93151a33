package io.sextant.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged server ({@code sextant-server.jar}) run as a child process on free ports, the way a
 * user runs it. Used by the end-to-end, crash and walkthrough tests. Not thread-safe.
 */
final class ServerProcess implements AutoCloseable {
    private final Path storage;
    private final Path log;
    private final int httpPort;
    private final int grpcPort;
    private Process process;
    private final List<String> extraArgs = new ArrayList<>();
    private final java.util.Map<String, String> extraEnv = new java.util.HashMap<>();

    ServerProcess(Path storage, Path log) throws IOException {
        this.storage = storage;
        this.log = log;
        this.httpPort = freePort();
        this.grpcPort = freePort();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** More {@code serve} flags and environment variables for every (re)start. */
    ServerProcess with(List<String> args, java.util.Map<String, String> env) {
        extraArgs.addAll(args);
        extraEnv.putAll(env);
        return this;
    }

    int httpPort() {
        return httpPort;
    }

    /** The storage directory ({@code --storage-path}). */
    Path storage() {
        return storage;
    }

    /** The port passed as {@code --grpc-port}. */
    int grpcPort() {
        return grpcPort;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    /** Starts the server and waits until {@code /readyz} answers 200. */
    ServerProcess start() throws IOException, InterruptedException {
        String jar = System.getProperty("sextant.server.jar", "../sextant-server/target/sextant-server.jar");
        if (!Files.exists(Path.of(jar))) {
            throw new IllegalStateException("Server jar not built: " + jar);
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--add-modules");
        cmd.add("jdk.incubator.vector");
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-Xmx512m");
        cmd.add("-jar");
        cmd.add(jar);
        cmd.add("serve");
        cmd.add("--storage-path");
        cmd.add(storage.toString());
        cmd.add("--http-port");
        cmd.add(Integer.toString(httpPort));
        cmd.add("--grpc-port");
        cmd.add(Integer.toString(grpcPort));
        cmd.addAll(extraArgs);
        ProcessBuilder builder = new ProcessBuilder(cmd);
        builder.environment().putAll(extraEnv);
        process = builder.redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "Server exited with " + process.exitValue() + "; log:\n" + Files.readString(log));
            }
            try {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(URI.create(baseUrl() + "/readyz"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return this;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("Server not ready within 60 s; log:\n" + Files.readString(log));
    }

    /** SIGSTOP: the process stays, frozen (no thread runs, sockets stay open, nothing answers). */
    void freeze() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT: a frozen process runs again. */
    void thaw() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                .redirectErrorStream(true)
                .start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed: "
                    + new String(kill.getInputStream().readAllBytes()));
        }
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM and wait; returns the exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            return -1;
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill();
        }
    }
}
