import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Paired A/B of two REST paths of ONE running server, for a machine too loaded for separate runs:
 * blocks of requests to path A and path B alternate (order swapped every round), and for each
 * block the server process's CPU time (/proc/PID/stat) and context switches (all its threads,
 * /proc/PID/task/{@literal *}/status) are taken per request, with the block's p50 and p99 latency
 * as the client saw it. Slow drift of the machine's load hits both sides alike. Raw keep-alive HTTP/1.1 sockets, one per connection, request bytes prepared.
 *
 * <pre>java bench/scripts/PathAB.java PORT PID COLLECTION DIM CONNECTIONS ROUNDS BLOCK PATH_A PATH_B</pre>
 *
 * <p>{@code PATHAB_BATCH=N}: N queries per request, as {@code points/query/batch} bodies.
 *
 * <p>{@code PATHAB_SPLIT=1}: each block also prints the p50 and p99 of the server's own handling time
 * (the reply's {@code time} field) and of the rest of each request's latency (client, loopback,
 * Jetty reading the request and waking threads).
 *
 * e.g. {@code /collections/bench/points/query} (the fast path) against {@code
 * /collections/bench/points/query/} (the trailing slash sends it to Javalin). Random unit queries
 * with hnsw_ef 32, limit 10. Prints one line per block and the medians.
 *
 * <p>A side written {@code PORT:PID:PATH} goes to another server (for a setting read at start, such
 * as {@code sextant.rest.inline}: two servers running side by side, each with its own copy of the
 * storage, queried in alternating blocks); its CPU and context switches are that server's.
 */
public class PathAB {
    public static void main(String[] a) throws Exception {
        int port = Integer.parseInt(a[0]);
        long pid = Long.parseLong(a[1]);
        int dim = Integer.parseInt(a[3]);
        int conns = Integer.parseInt(a[4]);
        int rounds = Integer.parseInt(a[5]);
        int block = Integer.parseInt(a[6]);
        String[] paths = {a[7], a[8]};
        int[] ports = {port, port};
        long[] pids = {pid, pid};
        for (int k = 0; k < 2; k++) {
            String[] f = paths[k].split(":", 3);
            if (f.length == 3) {
                ports[k] = Integer.parseInt(f[0]);
                pids[k] = Long.parseLong(f[1]);
                paths[k] = f[2];
            }
        }
        Random rnd = new Random(42);
        List<String> bodies = new ArrayList<>();
        // PATHAB_QUERIES=FILE: the query vectors are that file's float16 rows of DIM (a dataset's
        // query.f16), written as Float.toString prints them; else 500 random ones
        String file = System.getenv("PATHAB_QUERIES");
        if (file != null) {
            java.nio.ByteBuffer raw = java.nio.ByteBuffer.wrap(Files.readAllBytes(Path.of(file)))
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int q = 0; q < raw.capacity() / (2 * dim); q++) {
                StringBuilder b = new StringBuilder("{\"query\":[");
                for (int d = 0; d < dim; d++) {
                    b.append(d == 0 ? "" : ",").append(Float.float16ToFloat(raw.getShort((q * dim + d) * 2)));
                }
                bodies.add(b.append("],\"limit\":10,\"params\":{\"hnsw_ef\":32}}").toString());
            }
        }
        for (int i = 0; i < 500 && file == null; i++) {
            StringBuilder b = new StringBuilder("{\"query\":[");
            for (int d = 0; d < dim; d++) {
                b.append(d == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.6f", rnd.nextGaussian() / 20));
            }
            bodies.add(b.append("],\"limit\":10,\"params\":{\"hnsw_ef\":32}}").toString());
        }
        // PATHAB_BATCH=N: every N query bodies go as one points/query/batch body ({"searches": [...]});
        // point both paths at .../points/query/batch
        int batch = Integer.parseInt(System.getenv().getOrDefault("PATHAB_BATCH", "1"));
        if (batch > 1) {
            List<String> grouped = new ArrayList<>();
            for (int i = 0; i + batch <= bodies.size(); i += batch) {
                grouped.add("{\"searches\":[" + String.join(",", bodies.subList(i, i + batch)) + "]}");
            }
            bodies = grouped;
        }
        double[][] cpu = new double[2][rounds];
        double[][] cs = new double[2][rounds];
        double[][] rps = new double[2][rounds];
        double[][] p50 = new double[2][rounds];
        double[][] p99 = new double[2][rounds];
        for (int r = -1; r < rounds; r++) { // round -1 warms both up
            for (int k = 0; k < 2; k++) {
                int side = (r & 1) == 0 ? k : 1 - k;
                long p = pids[side];
                long cpu0 = cpuTicks(p), cs0 = switches(p), t0 = System.nanoTime();
                long[] lat = run(ports[side], paths[side], bodies, conns, r < 0 ? block * 3 : block);
                double secs = (System.nanoTime() - t0) / 1e9;
                if (r >= 0) {
                    cpu[side][r] = (cpuTicks(p) - cpu0) * 10.0 / block; // ticks of 10 ms -> ms per request
                    cs[side][r] = (switches(p) - cs0) / (double) block;
                    rps[side][r] = block / secs;
                    if (System.getenv("PATHAB_SPLIT") != null) {
                        long[] server = Arrays.copyOf(HANDLED, lat.length);
                        long[] rest = new long[lat.length];
                        for (int q = 0; q < lat.length; q++) {
                            rest[q] = lat[q] - server[q];
                        }
                        Arrays.sort(server);
                        Arrays.sort(rest);
                        System.out.printf(Locale.ROOT, "   handler p50 %.3f p99 %.3f | rest p50 %.3f p99 %.3f ms%n",
                                server[server.length / 2] / 1e6, server[(int) (server.length * 0.99)] / 1e6,
                                rest[rest.length / 2] / 1e6, rest[(int) (rest.length * 0.99)] / 1e6);
                    }
                    Arrays.sort(lat);
                    p50[side][r] = lat[lat.length / 2] / 1e6;
                    p99[side][r] = lat[(int) (lat.length * 0.99)] / 1e6;
                    System.out.printf(Locale.ROOT, "round %d %s: %.0f req/s, server %.3f ms CPU/req, %.2f ctx switches/req, p50 %.3f p99 %.3f max %.1f ms%n",
                            r, a[7 + side], rps[side][r], cpu[side][r], cs[side][r], p50[side][r], p99[side][r], lat[lat.length - 1] / 1e6);
                }
            }
        }
        for (int side = 0; side < 2; side++) {
            System.out.printf(Locale.ROOT, "MEDIAN %s connections=%d: %.0f req/s, server %.3f ms CPU/req, %.2f ctx switches/req, p50 %.3f p99 %.3f ms%n",
                    a[7 + side], conns, median(rps[side]), median(cpu[side]), median(cs[side]), median(p50[side]), median(p99[side]));
        }
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** Runs {@code n} requests over {@code conns} connections; each request's latency in ns. */
    static long[] run(int port, String path, List<String> bodies, int conns, int n) throws Exception {
        Thread[] ts = new Thread[conns];
        long[] lat = new long[n];
        Exception[] err = new Exception[1];
        for (int c = 0; c < conns; c++) {
            int id = c;
            ts[c] = new Thread(() -> {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    s.setTcpNoDelay(true);
                    OutputStream out = s.getOutputStream();
                    InputStream in = s.getInputStream();
                    byte[] buf = new byte[1 << 16];
                    for (int i = id; i < n; i += conns) {
                        byte[] body = bodies.get(i % bodies.size()).getBytes(StandardCharsets.UTF_8);
                        String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                                + "Content-Length: " + body.length + "\r\n\r\n";
                        // one write, as wrk and bin/bench serve's client send it: the body arrives with the headers
                        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
                        byte[] all = Arrays.copyOf(h, h.length + body.length);
                        System.arraycopy(body, 0, all, h.length, body.length);
                        long t = System.nanoTime();
                        out.write(all);
                        out.flush();
                        double handled = readReply(in, buf);
                        lat[i] = System.nanoTime() - t;
                        HANDLED[i] = (long) (handled * 1e9);
                    }
                } catch (Exception e) {
                    err[0] = e;
                }
            });
            ts[c].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        if (err[0] != null) {
            throw err[0];
        }
        return lat;
    }

    /** The server's handling time (the reply's {@code time}, seconds) of request i of the current block. */
    static final long[] HANDLED = new long[1 << 20];

    /** Reads one response (Content-Length) and checks its status is 200; returns the reply's {@code time}. */
    static double readReply(InputStream in, byte[] buf) throws Exception {
        int len = 0;
        int headerEnd = -1;
        while (headerEnd < 0) {
            int n = in.read(buf, len, buf.length - len);
            if (n < 0) throw new IllegalStateException("closed");
            len += n;
            for (int i = 3; i < len; i++) {
                if (buf[i - 3] == '\r' && buf[i - 2] == '\n' && buf[i - 1] == '\r' && buf[i] == '\n') {
                    headerEnd = i + 1;
                    break;
                }
            }
        }
        String head = new String(buf, 0, headerEnd, StandardCharsets.US_ASCII);
        if (!head.startsWith("HTTP/1.1 200")) throw new IllegalStateException(head);
        int cl = head.toLowerCase(Locale.ROOT).indexOf("content-length:");
        if (cl < 0) throw new IllegalStateException("no content-length: " + head);
        int end = head.indexOf('\r', cl);
        int bodyLen = Integer.parseInt(head.substring(cl + 15, end).trim());
        int have = len - headerEnd;
        while (have < bodyLen) {
            int n = in.read(buf, len, Math.min(buf.length - len, bodyLen - have));
            if (n < 0) throw new IllegalStateException("closed");
            have += n;
            len += n;
        }
        String body = new String(buf, headerEnd, bodyLen, StandardCharsets.US_ASCII);
        int k = body.lastIndexOf("\"time\":");
        return k < 0 ? 0 : Double.parseDouble(body.substring(k + 7, body.indexOf('}', k)));
    }

    static long cpuTicks(long pid) throws Exception {
        String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    static long switches(long pid) throws Exception {
        long total = 0;
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : tasks.toList()) {
                try {
                    for (String line : Files.readAllLines(t.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches") || line.startsWith("nonvoluntary_ctxt_switches")) {
                            total += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                } catch (java.io.IOException gone) {
                    // thread ended meanwhile
                }
            }
        }
        return total;
    }
}
