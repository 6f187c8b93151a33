package io.sextant.bench.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fixed-rate (open-loop) load test of a Sextant server over HTTP on loopback: {@code rate}
 * requests per second for {@code duration} seconds, 80 % reads ({@code points/query} top-10 with a
 * random vector, one in four with a payload filter) and 20 % writes (one-point upserts with {@code
 * wait=true}, each with a new id). Requests are issued on schedule whatever the latency (virtual
 * thread per request), and latency is measured from the scheduled time, so queueing delay counts
 * (no coordinated omission). At the end every acknowledged write is checked: an exact count and a
 * retrieval of every acknowledged id. Writes {@code load.md} and {@code load.csv} (10 s windows)
 * into {@code --results}. Starts and stops the server itself ({@code --server-cmd}) unless {@code
 * --url} points at a running one. Not a test: run by {@code bin/bench load}.
 */
public final class LoadBench {

    record Sample(long scheduledNanos, boolean write, long latencyNanos, boolean ok) {}

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = parse(argv);
        int rate = Integer.parseInt(a.getOrDefault("rate", "200"));
        int duration = Integer.parseInt(a.getOrDefault("duration", "600"));
        int dim = Integer.parseInt(a.getOrDefault("dim", "64"));
        int preload = Integer.parseInt(a.getOrDefault("preload", "10000"));
        long seed = Long.parseLong(a.getOrDefault("seed", "42"));
        Path results = Path.of(a.getOrDefault("results", "bench/results"));
        String url = a.getOrDefault("url", "http://127.0.0.1:6399");
        String serverCmd = a.containsKey("url")
                ? null
                : a.getOrDefault(
                        "server-cmd",
                        "bin/sextant serve --host 127.0.0.1 --http-port 6399 --grpc-port 6398 --storage-path bench/work/load-storage");
        Path log = Path.of("bench/work/load-server.log");
        Files.createDirectories(log.toAbsolutePath().getParent());
        Process server = null;
        if (serverCmd != null) {
            deleteTree(Path.of("bench/work/load-storage"));
            server = new ProcessBuilder("bash", "-c", "exec " + serverCmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        }
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try {
            waitReady(http, url, Duration.ofMinutes(5));
            run(
                    http,
                    url,
                    rate,
                    duration,
                    dim,
                    preload,
                    seed,
                    results,
                    a.getOrDefault("command", "bin/bench load"),
                    serverCmd);
        } finally {
            if (server != null) {
                server.destroy();
                server.waitFor(60, TimeUnit.SECONDS);
            }
        }
    }

    static void run(
            HttpClient http,
            String url,
            int rate,
            int duration,
            int dim,
            int preload,
            long seed,
            Path results,
            String command,
            String serverCmd)
            throws Exception {
        String c = url + "/collections/load";
        send(http, "DELETE", c, null);
        check(send(http, "PUT", c, "{\"vectors\":{\"size\":" + dim + ",\"distance\":\"Cosine\"}}"), "create");
        check(
                send(http, "PUT", c + "/index?wait=true", "{\"field_name\":\"group\",\"field_schema\":\"integer\"}"),
                "index");
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int start = 0; start < preload; start += 500) {
            StringBuilder b = new StringBuilder("{\"points\":[");
            for (int i = start; i < Math.min(preload, start + 500); i++) {
                b.append(i == start ? "" : ",").append(point(i, dim, rnd));
            }
            check(send(http, "PUT", c + "/points?wait=true", b.append("]}").toString()), "preload");
        }
        System.out.printf(
                Locale.ROOT,
                "load: preloaded %d points (dim %d); running %d req/s for %d s%n",
                preload,
                dim,
                rate,
                duration);

        ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Long> acked = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        AtomicLong nextId = new AtomicLong(preload);
        long total = (long) rate * duration;
        long t0 = System.nanoTime() + 100_000_000L;
        long periodNanos = 1_000_000_000L / rate;
        Instant startedAt = Instant.now();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (long i = 0; i < total; i++) {
                long scheduled = t0 + i * periodNanos;
                long wait = scheduled - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                boolean write = rnd.nextInt(100) < 20;
                String body;
                String target;
                String method;
                long id = -1;
                if (write) {
                    id = nextId.getAndIncrement();
                    method = "PUT";
                    target = c + "/points?wait=true";
                    body = "{\"points\":[" + point(id, dim, rnd) + "]}";
                } else {
                    method = "POST";
                    target = c + "/points/query";
                    String filter = rnd.nextInt(4) == 0
                            ? ",\"filter\":{\"must\":[{\"key\":\"group\",\"match\":{\"value\":" + rnd.nextInt(10)
                                    + "}}]}"
                            : "";
                    body = "{\"query\":" + vector(dim, rnd) + ",\"limit\":10" + filter + "}";
                }
                long fid = id;
                pool.submit(() -> {
                    boolean ok;
                    try {
                        HttpResponse<String> r = send(http, method, target, body);
                        ok = r.statusCode() == 200;
                        if (!ok) {
                            errors.add(method + " " + r.statusCode() + " " + r.body());
                        }
                    } catch (IOException | InterruptedException e) {
                        ok = false;
                        errors.add(method + " " + e);
                    }
                    long lat = System.nanoTime() - scheduled;
                    samples.add(new Sample(scheduled - t0, write, lat, ok));
                    if (ok && fid >= 0) {
                        acked.add(fid);
                    }
                });
            }
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;

        long count = check(send(http, "POST", c + "/points/count", "{\"exact\":true}"), "count")
                .body()
                .replaceAll(".*\"count\":(\\d+).*", "$1")
                .transform(Long::parseLong);
        List<Long> ackedIds = new ArrayList<>(acked);
        long missing = 0;
        for (int i = 0; i < ackedIds.size(); i += 1000) {
            List<Long> batch = ackedIds.subList(i, Math.min(ackedIds.size(), i + 1000));
            String body = check(
                            send(http, "POST", c + "/points", "{\"ids\":" + batch + ",\"with_payload\":false}"),
                            "retrieve")
                    .body();
            long found = body.split("\"id\":", -1).length - 1;
            missing += batch.size() - found;
        }
        report(
                samples,
                errors,
                rate,
                duration,
                elapsed,
                preload,
                ackedIds.size(),
                count,
                missing,
                results,
                command,
                serverCmd,
                startedAt,
                dim);
    }

    static void report(
            ConcurrentLinkedQueue<Sample> samples,
            ConcurrentLinkedQueue<String> errors,
            int rate,
            int duration,
            double elapsed,
            int preload,
            int acked,
            long count,
            long missing,
            Path results,
            String command,
            String serverCmd,
            Instant startedAt,
            int dim)
            throws IOException {
        List<Sample> all = new ArrayList<>(samples);
        all.sort((x, y) -> Long.compare(x.scheduledNanos(), y.scheduledNanos()));
        StringBuilder csv = new StringBuilder(
                "window_start_s,requests,reads,writes,errors,read_p50_ms,read_p99_ms,write_p50_ms,write_p99_ms\n");
        Map<Long, List<Sample>> windows = new HashMap<>();
        for (Sample s : all) {
            windows.computeIfAbsent(s.scheduledNanos() / 10_000_000_000L, k -> new ArrayList<>())
                    .add(s);
        }
        windows.keySet().stream().sorted().forEach(w -> {
            List<Sample> ws = windows.get(w);
            double[] r = ms(ws, false);
            double[] wr = ms(ws, true);
            csv.append(String.format(
                    Locale.ROOT,
                    "%d,%d,%d,%d,%d,%.2f,%.2f,%.2f,%.2f%n",
                    w * 10,
                    ws.size(),
                    r.length,
                    wr.length,
                    ws.stream().filter(s -> !s.ok()).count(),
                    pct(r, 0.5),
                    pct(r, 0.99),
                    pct(wr, 0.5),
                    pct(wr, 0.99)));
        });
        double[] reads = ms(all, false);
        double[] writes = ms(all, true);
        long errs = all.stream().filter(s -> !s.ok()).count();
        StringBuilder md = new StringBuilder();
        md.append("# Load test: fixed-rate 80/20 read/write over HTTP\n\n");
        md.append("Command: `").append(command).append("`  \n");
        md.append("Server: ")
                .append(serverCmd == null ? "external" : "`" + serverCmd + "`")
                .append(" on loopback  \n");
        md.append("Started: ")
                .append(startedAt)
                .append(", machine: ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" cores, load average at end ")
                .append(loadAverage())
                .append("  \n");
        md.append(String.format(
                Locale.ROOT,
                "Collection: %d preloaded points, dim %d, Cosine, integer payload index on `group`.%n%n",
                preload,
                dim));
        md.append(
                "Reads: `POST /points/query` top-10 with a random vector (25 % with a `group` filter). Writes: one-point upsert, `wait=true`.\n");
        md.append("Open loop: requests are sent on schedule; latency counts from the scheduled send time.\n\n");
        md.append("| figure | value |\n| --- | --- |\n");
        md.append(String.format(Locale.ROOT, "| target rate | %d req/s for %d s |%n", rate, duration));
        md.append(String.format(
                Locale.ROOT,
                "| achieved rate | %.1f req/s (%d requests in %.1f s) |%n",
                all.size() / elapsed,
                all.size(),
                elapsed));
        md.append(String.format(
                Locale.ROOT,
                "| reads | %d, p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms |%n",
                reads.length,
                pct(reads, 0.5),
                pct(reads, 0.95),
                pct(reads, 0.99),
                pct(reads, 1.0)));
        md.append(String.format(
                Locale.ROOT,
                "| writes | %d, p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms |%n",
                writes.length,
                pct(writes, 0.5),
                pct(writes, 0.95),
                pct(writes, 0.99),
                pct(writes, 1.0)));
        md.append(String.format(Locale.ROOT, "| errors | %d |%n", errs));
        md.append(String.format(Locale.ROOT, "| acknowledged writes | %d |%n", acked));
        md.append(String.format(
                Locale.ROOT,
                "| points at the end (exact count) | %d (expected %d = %d preloaded + %d acknowledged) |%n",
                count,
                preload + acked,
                preload,
                acked));
        md.append(String.format(Locale.ROOT, "| acknowledged ids not found | %d |%n", missing));
        if (!errors.isEmpty()) {
            md.append("\nFirst errors:\n\n");
            errors.stream().limit(10).forEach(e -> md.append("- `")
                    .append(e.length() > 200 ? e.substring(0, 200) : e)
                    .append("`\n"));
        }
        md.append("\nPer 10 s windows: `load.csv`.\n");
        Files.createDirectories(results);
        Files.writeString(results.resolve("load.md"), md);
        Files.writeString(results.resolve("load.csv"), csv);
        System.out.print(md);
        if (errs > 0 || missing > 0 || count != preload + acked) {
            System.exit(1);
        }
    }

    static double[] ms(List<Sample> s, boolean write) {
        double[] v = s.stream()
                .filter(x -> x.write() == write)
                .mapToDouble(x -> x.latencyNanos() / 1e6)
                .toArray();
        Arrays.sort(v);
        return v;
    }

    static double pct(double[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[
                (int) Math.min(
                        sorted.length - 1,
                        Math.ceil(q * sorted.length) - 1 < 0 ? 0 : Math.ceil(q * sorted.length) - 1)];
    }

    static String point(long id, int dim, SplittableRandom rnd) {
        return "{\"id\":" + id + ",\"vector\":" + vector(dim, rnd) + ",\"payload\":{\"group\":" + (id % 10) + "}}";
    }

    static String vector(int dim, SplittableRandom rnd) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < dim; i++) {
            b.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.4f", rnd.nextDouble() * 2 - 1));
        }
        return b.append(']').toString();
    }

    static HttpResponse<String> send(HttpClient http, String method, String url, String body)
            throws IOException, InterruptedException {
        HttpRequest r = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(r, HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> check(HttpResponse<String> r, String what) {
        if (r.statusCode() != 200) {
            throw new IllegalStateException(what + " failed: " + r.statusCode() + " " + r.body());
        }
        return r;
    }

    static void waitReady(HttpClient http, String url, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (send(http, "GET", url + "/readyz", null).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("server at " + url + " not ready after " + timeout);
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var s = Files.walk(p)) {
            for (Path f :
                    s.sorted((x, y) -> y.getNameCount() - x.getNameCount()).toList()) {
                Files.delete(f);
            }
        }
    }

    static Map<String, String> parse(String[] argv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            if (!argv[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value, got " + argv[i]);
            }
            m.put(argv[i].substring(2), argv[i + 1]);
        }
        return m;
    }
}
