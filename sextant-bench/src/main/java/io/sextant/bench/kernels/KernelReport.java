package io.sextant.bench.kernels;

import io.sextant.vector.VectorKernels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns the JMH CSV written by {@link DistanceKernelBenchmark} into a markdown table: one row per
 * dimension, one column per implementation with ns/op, its 99.9% error and the speed-up over the
 * plain loop of the same run, followed by the context needed to trust the numbers (command, date,
 * CPU, JVM, kernels picked, load). Run by {@code bin/bench kernels} in a JVM with the incubator
 * module, so {@link VectorKernels#get()} names the kernels a server would pick. Not thread-safe
 * (a command-line tool).
 *
 * <p>Usage: {@code KernelReport <jmh.csv> <out.md> <command line> [<load average before>]}.
 */
public final class KernelReport {
    static final String BENCHMARK = DistanceKernelBenchmark.class.getName() + ".";
    static final String[] OPS = {"dot", "l2"};
    static final String[] IMPLS = {"PlainLoop", "Scalar", "PanamaArray", "PanamaSegment"};
    static final String[] IMPL_TITLES = {
        "plain loop (peer)", "ScalarKernels", "PanamaKernels float[]", "PanamaKernels MemorySegment"
    };

    /** One JMH result row: score and error in ns/op. */
    record Score(double ns, double error) {}

    private KernelReport() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            throw new IllegalArgumentException(
                    "Usage: KernelReport <jmh.csv> <out.md> <command line> [<load before>], got " + args.length
                            + " arguments");
        }
        Map<String, Map<Integer, Score>> results = parseCsv(Files.readAllLines(Path.of(args[0])));
        String loadBefore = args.length > 3 ? args[3] : "unknown";
        String context = context(args[2], loadBefore);
        String md = render(results, context);
        Files.writeString(Path.of(args[1]), md);
        System.out.print(md);
    }

    /** Parses JMH's CSV into method name ("dotPanamaArray") → dim → score. */
    static Map<String, Map<Integer, Score>> parseCsv(List<String> lines) {
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("Empty JMH CSV: expected a header line and results");
        }
        List<String> header = splitCsvLine(lines.get(0));
        int name = header.indexOf("Benchmark");
        int score = header.indexOf("Score");
        int error = header.indexOf("Score Error (99.9%)");
        int unit = header.indexOf("Unit");
        int dim = header.indexOf("Param: dim");
        if (name < 0 || score < 0 || error < 0 || unit < 0 || dim < 0) {
            throw new IllegalArgumentException("Not a JMH CSV of DistanceKernelBenchmark, header: " + lines.get(0));
        }
        Map<String, Map<Integer, Score>> out = new TreeMap<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            List<String> f = splitCsvLine(line);
            if (!f.get(unit).equals("ns/op")) {
                throw new IllegalArgumentException("Expected unit ns/op, got " + f.get(unit) + " in: " + line);
            }
            String method = f.get(name).startsWith(BENCHMARK) ? f.get(name).substring(BENCHMARK.length()) : f.get(name);
            out.computeIfAbsent(method, k -> new TreeMap<>())
                    .put(
                            Integer.parseInt(f.get(dim)),
                            new Score(Double.parseDouble(f.get(score)), Double.parseDouble(f.get(error))));
        }
        return out;
    }

    /** Splits one CSV line with optional double quotes (JMH quotes strings, never embeds quotes). */
    static List<String> splitCsvLine(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                fields.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        fields.add(cur.toString());
        return fields;
    }

    static String render(Map<String, Map<Integer, Score>> results, String context) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Distance kernels: ns per distance\n\n");
        sb.append("Lower is better. Each cell: mean ns/op ± 99.9% error (NaN with fewer than 2 iterations),")
                .append(" then the speed-up over the plain loop measured in the same run.\n\n");
        for (String op : OPS) {
            sb.append(op.equals("dot") ? "## Dot product\n\n" : "## Squared L2 distance\n\n");
            sb.append("| dim |");
            for (String t : IMPL_TITLES) {
                sb.append(' ').append(t).append(" |");
            }
            sb.append("\n|---:|");
            sb.append("---:|".repeat(IMPLS.length)).append('\n');
            Map<Integer, Score> peer = results.getOrDefault(op + IMPLS[0], Map.of());
            TreeMap<Integer, Boolean> dims = new TreeMap<>();
            for (String impl : IMPLS) {
                results.getOrDefault(op + impl, Map.of()).keySet().forEach(d -> dims.put(d, true));
            }
            for (int d : dims.keySet()) {
                sb.append("| ").append(d).append(" |");
                for (String impl : IMPLS) {
                    Score s = results.getOrDefault(op + impl, Map.of()).get(d);
                    sb.append(' ')
                            .append(cell(s, impl.equals(IMPLS[0]) ? null : peer.get(d)))
                            .append(" |");
                }
                sb.append('\n');
            }
            sb.append('\n');
        }
        sb.append(context);
        return sb.toString();
    }

    static String cell(Score s, Score peer) {
        if (s == null) {
            return "–";
        }
        String c = String.format(Locale.ROOT, "%.1f ± %.1f", s.ns(), s.error());
        if (peer != null && s.ns() > 0) {
            c += String.format(Locale.ROOT, " (**%.1f×**)", peer.ns() / s.ns());
        }
        return c;
    }

    private static String context(String command, String loadBefore) throws IOException {
        String loadAfter = read("/proc/loadavg").trim();
        return "## Run\n\n"
                + "- Command: `" + command + "`\n"
                + "- Date: " + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME) + "\n"
                + "- CPU: " + cpuModel() + " (" + Runtime.getRuntime().availableProcessors()
                + " cores visible), SIMD flags: " + simdFlags() + "\n"
                + "- JVM: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + "\n"
                + "- Kernels picked by `VectorKernels.get()`: `"
                + VectorKernels.get().name() + "`\n"
                + "- Load average (1/5/15 min, runnable/total, last pid) before: `" + loadBefore + "`, after: `"
                + loadAfter + "`\n\n"
                + "The machine is shared with other engineers' builds and test runs happening at the same time,"
                + " so absolute numbers are noisy; ratios within one run are the meaningful part. Data is"
                + " L1-resident: this measures arithmetic, not memory bandwidth.\n";
    }

    static String cpuModel() throws IOException {
        for (String line : read("/proc/cpuinfo").split("\n")) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return "unknown (" + System.getProperty("os.arch") + ")";
    }

    private static String simdFlags() throws IOException {
        for (String line : read("/proc/cpuinfo").split("\n")) {
            if (line.startsWith("flags") || line.startsWith("Features")) {
                List<String> keep = new ArrayList<>();
                for (String f : line.substring(line.indexOf(':') + 1).trim().split("\\s+")) {
                    if (f.equals("fma") || f.startsWith("avx") || f.equals("asimd") || f.equals("sve")) {
                        keep.add(f);
                    }
                }
                return keep.isEmpty() ? "none of avx/fma/asimd" : String.join(" ", keep);
            }
        }
        return "unknown";
    }

    private static String read(String file) throws IOException {
        Path p = Path.of(file);
        return Files.exists(p) ? Files.readString(p) : "";
    }
}
