package io.sextant.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fixed-rate (open-loop) load and soak test of a Sextant server over HTTP on loopback: {@code rate}
 * requests per second for {@code duration} seconds, 80 % reads ({@code points/query} top-10 with a
 * random vector, one in four with a payload filter) and 20 % writes (one-point upserts with {@code
 * wait=true}). Writes either insert a new id each ({@code --writes insert}, the collection grows) or
 * overwrite the preloaded ids round-robin with a version number in the payload ({@code --writes
 * overwrite}, the live data stays the same size, so any growth of the server's resources is not
 * the data's). Requests are issued on schedule whatever the latency (virtual thread per request),
 * and latency is measured from the scheduled time, so queueing delay counts (no coordinated
 * omission). Every {@code --sample-seconds} the server process's heap (after a forced GC), RSS,
 * threads, descriptors, mappings and storage size are sampled ({@link ProcessSampler}). At the end
 * every acknowledged write is checked: an exact count and a retrieval of every acknowledged id
 * (with its last acknowledged version when overwriting). Writes {@code <out>.md}, {@code <out>.csv}
 * (per sample), {@code <out>-10s.csv} (10 s windows) and {@code <out>.png} into {@code --results}
 * ({@link LoadReport}). Starts and stops the server itself unless {@code --url} points at a running
 * one ({@code --server-pid} then enables sampling). Not a test: run by {@code bin/bench load}.
 * Single-threaded driver; the request tasks share only concurrent collections.
 */
public final class LoadBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FLAGS = Set.of(
            "rate",
            "duration",
            "dim",
            "preload",
            "seed",
            "writes",
            "indexing-threshold",
            "wal-capacity-mb",
            "sample-seconds",
            "results",
            "out",
            "url",
            "server-cmd",
            "server-pid",
            "http-port",
            "grpc-port",
            "storage-path",
            "warmup-requests",
            "command");

    /** One request: when it was due (relative to the start), what it was, its latency, success. */
    record Sample(long scheduledNanos, boolean write, long latencyNanos, boolean ok) {}

    /** The run's settings, from the command line. */
    record Plan(
            int rate,
            int duration,
            int dim,
            int preload,
            long seed,
            boolean overwrite,
            long indexingThresholdKb,
            int walCapacityMb,
            int sampleSeconds,
            int warmupRequests,
            Path results,
            String out,
            String url,
            String serverCmd,
            Path storage,
            String command) {

        static Plan parse(Map<String, String> a) {
            int httpPort = Integer.parseInt(a.getOrDefault("http-port", "6399"));
            int grpcPort = Integer.parseInt(a.getOrDefault("grpc-port", "6398"));
            Path storage = Path.of(a.getOrDefault("storage-path", "bench/work/load-storage"));
            String writes = a.getOrDefault("writes", "insert");
            if (!writes.equals("insert") && !writes.equals("overwrite")) {
                throw new IllegalArgumentException("--writes must be insert or overwrite, got " + writes);
            }
            Plan p = new Plan(
                    Integer.parseInt(a.getOrDefault("rate", "200")),
                    Integer.parseInt(a.getOrDefault("duration", "600")),
                    Integer.parseInt(a.getOrDefault("dim", "64")),
                    Integer.parseInt(a.getOrDefault("preload", "10000")),
                    Long.parseLong(a.getOrDefault("seed", "42")),
                    writes.equals("overwrite"),
                    Long.parseLong(a.getOrDefault("indexing-threshold", "-1")),
                    Integer.parseInt(a.getOrDefault("wal-capacity-mb", "-1")),
                    Integer.parseInt(a.getOrDefault("sample-seconds", "60")),
                    Integer.parseInt(a.getOrDefault("warmup-requests", "1000")),
                    Path.of(a.getOrDefault("results", "bench/results")),
                    a.getOrDefault("out", "load"),
                    a.getOrDefault("url", "http://127.0.0.1:" + httpPort),
                    a.containsKey("url")
                            ? null
                            : a.getOrDefault(
                                    "server-cmd",
                                    "bin/sextant serve --host 127.0.0.1 --http-port " + httpPort + " --grpc-port "
                                            + grpcPort + " --storage-path " + storage),
                    storage,
                    a.getOrDefault("command", "bin/bench load"));
            if (p.rate <= 0 || p.duration <= 0 || p.sampleSeconds <= 0) {
                throw new IllegalArgumentException("rate, duration and sample-seconds must be positive, got " + p.rate
                        + ", " + p.duration + ", " + p.sampleSeconds);
            }
            if (p.overwrite && p.preload <= 0) {
                throw new IllegalArgumentException(
                        "--writes overwrite needs preloaded ids, got --preload " + p.preload);
            }
            return p;
        }
    }

    /** What the run measured and found, for {@link LoadReport}. */
    record Outcome(
            Instant startedAt,
            double greenAfterSeconds,
            long warmupErrors,
            double elapsedSeconds,
            List<Sample> requests,
            List<String> errors,
            int ackedWrites,
            long count,
            long expectedCount,
            long missing,
            long stale,
            List<ResourceSample> resources,
            long serverPid) {

        boolean passed() {
            return errors.isEmpty() && warmupErrors == 0 && missing == 0 && stale == 0 && count == expectedCount;
        }
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = parse(argv);
        Plan plan = Plan.parse(a);
        Path log = plan.results().resolveSibling("work").resolve(plan.out() + "-server.log");
        Files.createDirectories(log.toAbsolutePath().getParent());
        Process server = null;
        if (plan.serverCmd() != null) {
            deleteTree(plan.storage());
            server = new ProcessBuilder("bash", "-c", "exec " + plan.serverCmd())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        }
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        boolean passed;
        try {
            waitReady(http, plan.url(), Duration.ofMinutes(5));
            long pid = server != null
                    ? ProcessSampler.javaPid(server.toHandle())
                    : Long.parseLong(a.getOrDefault("server-pid", "-1"));
            ProcessSampler sampler = pid > 0 ? new ProcessSampler(pid, plan.storage()) : null;
            Outcome o = run(http, plan, sampler);
            LoadReport.write(plan, o, log);
            passed = o.passed();
        } finally {
            if (server != null) {
                server.destroy();
                server.waitFor(60, TimeUnit.SECONDS);
            }
        }
        if (!passed) {
            System.exit(1);
        }
    }

    static Outcome run(HttpClient http, Plan plan, ProcessSampler sampler) throws Exception {
        String c = plan.url() + "/collections/load";
        int dim = plan.dim();
        send(http, "DELETE", c, null);
        String extra = (plan.indexingThresholdKb() >= 0
                        ? ",\"optimizers_config\":{\"indexing_threshold\":" + plan.indexingThresholdKb() + "}"
                        : "")
                + (plan.walCapacityMb() > 0
                        ? ",\"wal_config\":{\"wal_capacity_mb\":" + plan.walCapacityMb() + "}"
                        : "");
        check(
                send(http, "PUT", c, "{\"vectors\":{\"size\":" + dim + ",\"distance\":\"Cosine\"}" + extra + "}"),
                "create");
        check(
                send(http, "PUT", c + "/index?wait=true", "{\"field_name\":\"group\",\"field_schema\":\"integer\"}"),
                "index");
        SplittableRandom rnd = new SplittableRandom(plan.seed());
        for (int start = 0; start < plan.preload(); start += 500) {
            StringBuilder b = new StringBuilder("{\"points\":[");
            for (int i = start; i < Math.min(plan.preload(), start + 500); i++) {
                b.append(i == start ? "" : ",").append(point(i, -1, dim, rnd));
            }
            check(send(http, "PUT", c + "/points?wait=true", b.append("]}").toString()), "preload");
        }
        long greenStart = System.nanoTime();
        waitGreen(http, c, Duration.ofMinutes(15));
        double green = (System.nanoTime() - greenStart) / 1e9;
        long warmupErrors = 0;
        for (int i = 0; i < plan.warmupRequests(); i++) {
            String q = "{\"query\":" + vector(dim, rnd) + ",\"limit\":10"
                    + (i % 4 == 0 ? ",\"filter\":{\"must\":[{\"key\":\"group\",\"match\":{\"value\":1}}]}" : "")
                    + "}";
            warmupErrors += send(http, "POST", c + "/points/query", q).statusCode() == 200 ? 0 : 1;
        }
        if (sampler != null) {
            sampler.saveDiagnostics(plan.results().resolve(plan.out() + "-diagnostics-start.txt"));
        }
        System.out.printf(
                Locale.ROOT,
                "load: preloaded %d points (dim %d), green after %.1f s, %d sequential warm-up queries (%d errors);"
                        + " running %d req/s for %d s, writes %s, sampling pid %s every %d s%n",
                plan.preload(),
                dim,
                green,
                plan.warmupRequests(),
                warmupErrors,
                plan.rate(),
                plan.duration(),
                plan.overwrite() ? "overwrite" : "insert",
                sampler == null ? "-" : Long.toString(sampler.pid()),
                plan.sampleSeconds());

        ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
        ConcurrentHashMap<Long, Long> lastAcked = new ConcurrentHashMap<>();
        Set<Long> failedIds = ConcurrentHashMap.newKeySet();
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        AtomicLong acked = new AtomicLong();
        long total = (long) plan.rate() * plan.duration();
        long t0 = System.nanoTime() + 100_000_000L;
        long periodNanos = 1_000_000_000L / plan.rate();
        Instant startedAt = Instant.now();
        List<ResourceSample> resources = new ArrayList<>();
        Thread sampling =
                Thread.ofPlatform().name("soak-sampler").start(() -> sampleLoop(sampler, t0, plan, resources));
        long writeSeq = 0;
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
                long version = -1;
                if (write) {
                    version = writeSeq++;
                    id = plan.overwrite() ? version % plan.preload() : plan.preload() + version;
                    method = "PUT";
                    target = c + "/points?wait=true";
                    body = "{\"points\":[" + point(id, version, dim, rnd) + "]}";
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
                long fversion = version;
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
                    if (fid >= 0) {
                        if (ok) {
                            acked.incrementAndGet();
                            lastAcked.merge(fid, fversion, Math::max);
                        } else {
                            failedIds.add(fid);
                        }
                    }
                });
            }
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        sampling.join();
        if (sampler != null) {
            sampler.saveDiagnostics(plan.results().resolve(plan.out() + "-diagnostics-end.txt"));
        }

        long count = check(send(http, "POST", c + "/points/count", "{\"exact\":true}"), "count")
                .body()
                .replaceAll(".*\"count\":(\\d+).*", "$1")
                .transform(Long::parseLong);
        long[] missingStale = verify(http, c, lastAcked, failedIds);
        long expected = plan.overwrite() ? plan.preload() : plan.preload() + acked.get();
        List<Sample> all = new ArrayList<>(samples);
        all.sort((x, y) -> Long.compare(x.scheduledNanos(), y.scheduledNanos()));
        return new Outcome(
                startedAt,
                green,
                warmupErrors,
                elapsed,
                all,
                List.copyOf(errors),
                (int) acked.get(),
                count,
                expected,
                missingStale[0],
                missingStale[1],
                List.copyOf(resources),
                sampler == null ? -1 : sampler.pid());
    }

    /**
     * Samples at t0 + k x sample-seconds for k = 0 .. duration / sample-seconds, into {@code out}
     * (read only after this returns).
     */
    private static void sampleLoop(ProcessSampler sampler, long t0, Plan plan, List<ResourceSample> out) {
        if (sampler == null) {
            return;
        }
        try {
            for (long at = 0; at <= plan.duration(); at += plan.sampleSeconds()) {
                long wait = t0 + at * 1_000_000_000L - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                ResourceSample s = sampler.sample(at);
                out.add(s);
                System.out.printf(
                        Locale.ROOT,
                        "load: t=%ds heap after GC %s MB, RSS %s MB, threads %d, fds %d, storage %s MB%n",
                        at,
                        ResourceSample.mb(s.heapAfterGc()),
                        ResourceSample.mb(s.rss()),
                        s.threads(),
                        s.fds(),
                        ResourceSample.mb(s.storage()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Retrieves every acknowledged id; returns {missing, stale}: ids not found, and ids whose
     * payload version {@code v} is not the last acknowledged one (a later failed write to the same
     * id may have applied, so a newer version is accepted for those).
     */
    static long[] verify(HttpClient http, String c, Map<Long, Long> lastAcked, Set<Long> failedIds)
            throws IOException, InterruptedException {
        List<Long> ids = new ArrayList<>(lastAcked.keySet());
        long missing = 0;
        long stale = 0;
        for (int i = 0; i < ids.size(); i += 1000) {
            List<Long> batch = ids.subList(i, Math.min(ids.size(), i + 1000));
            String body = check(
                            send(http, "POST", c + "/points", "{\"ids\":" + batch + ",\"with_payload\":true}"),
                            "retrieve")
                    .body();
            Map<Long, Long> found = new HashMap<>();
            for (JsonNode p : JSON.readTree(body).path("result")) {
                found.put(p.path("id").asLong(), p.path("payload").path("v").asLong(-1));
            }
            for (Long id : batch) {
                Long v = found.get(id);
                long want = lastAcked.get(id);
                if (v == null) {
                    missing++;
                } else if (v != want && !(v > want && failedIds.contains(id))) {
                    stale++;
                    if (stale <= 10) {
                        System.out.printf(
                                Locale.ROOT, "load: id %d has version %d, last acknowledged %d%n", id, v, want);
                    }
                }
            }
        }
        return new long[] {missing, stale};
    }

    /** A point with payload {@code group} = id mod 10 and, for writes, {@code v} = its version. */
    static String point(long id, long version, int dim, SplittableRandom rnd) {
        return "{\"id\":" + id + ",\"vector\":" + vector(dim, rnd) + ",\"payload\":{\"group\":" + (id % 10)
                + (version >= 0 ? ",\"v\":" + version : "") + "}}";
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

    /** Polls the collection until its status is green (no optimization pending). */
    static void waitGreen(HttpClient http, String collectionUrl, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode info = JSON.readTree(
                    check(send(http, "GET", collectionUrl, null), "info").body());
            if ("green".equals(info.path("result").path("status").asText())) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(collectionUrl + " not green after " + timeout);
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

    /** {@code --name value} pairs; an unknown name or a name without a value is rejected. */
    static Map<String, String> parse(String[] argv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < argv.length; i += 2) {
            if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
                throw new IllegalArgumentException("expected --name value, got " + argv[i]);
            }
            String name = argv[i].substring(2);
            if (!FLAGS.contains(name)) {
                throw new IllegalArgumentException("unknown flag --" + name + ", known: " + FLAGS);
            }
            m.put(name, argv[i + 1]);
        }
        return m;
    }
}
