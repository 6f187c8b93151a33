package io.sextant.bench.ann;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Renders the rows of one harness run as markdown: context, build and memory, the verdict at a
 * recall target (best QPS among runs reaching it, and Sextant's ratio to the best peer), then the
 * full unfiltered and filtered tables. Pure functions over the rows; thread-safe.
 */
final class AnnReport {
    static final double TARGET = 0.95;

    private AnnReport() {}

    /** The highest QPS among {@code runs} with recall at least {@code target}, if any. */
    static OptionalDouble qpsAtRecall(List<AnnRow> runs, double target) {
        return runs.stream()
                .filter(r -> r.recall() >= target)
                .mapToDouble(AnnRow::qps)
                .max();
    }

    static List<AnnRow> select(List<AnnRow> rows, String engine, String kind, String filter, int threads) {
        List<AnnRow> out = new ArrayList<>();
        for (AnnRow r : rows) {
            if (r.engine().equals(engine)
                    && r.kind().equals(kind)
                    && r.filter().equals(filter)
                    && r.threads() == threads) {
                out.add(r);
            }
        }
        return out;
    }

    static String render(String dataset, List<AnnRow> rows, Map<String, String> context) {
        Set<String> engines = new LinkedHashSet<>();
        Set<Integer> threads = new LinkedHashSet<>();
        Set<String> filters = new LinkedHashSet<>();
        for (AnnRow r : rows) {
            engines.add(r.engine());
            if (!r.kind().equals("build")) {
                threads.add(r.threads());
            }
            if (r.kind().equals("filtered")) {
                filters.add(r.filter());
            }
        }
        StringBuilder md = new StringBuilder();
        md.append("# ANN benchmark: ").append(dataset).append("\n\n");
        for (Map.Entry<String, String> c : context.entrySet()) {
            md.append("- ").append(c.getKey()).append(": ").append(c.getValue()).append('\n');
        }
        md.append('\n');

        md.append("## Verdict: best QPS at recall@10 >= ").append(TARGET).append(" (unfiltered)\n\n");
        md.append("| threads |");
        engines.forEach(e -> md.append(' ').append(e).append(" |"));
        md.append(" best peer | Sextant / best peer |\n|---:|");
        engines.forEach(e -> md.append("---:|"));
        md.append("---|---:|\n");
        for (int t : threads) {
            md.append("| ").append(t).append(" |");
            double best = -1;
            String bestName = "n/a";
            for (String e : engines) {
                OptionalDouble q = qpsAtRecall(select(rows, e, "search", "", t), TARGET);
                md.append(' ')
                        .append(q.isPresent() ? fmt0(q.getAsDouble()) : "not reached")
                        .append(" |");
                if (!e.startsWith("sextant") && q.isPresent() && q.getAsDouble() > best) { // variants are not peers
                    best = q.getAsDouble();
                    bestName = e;
                }
            }
            OptionalDouble s = qpsAtRecall(select(rows, "sextant", "search", "", t), TARGET);
            md.append(' ').append(bestName).append(" | ").append(ratio(s, best)).append(" |\n");
        }
        md.append('\n');

        md.append("## Build and memory\n\n");
        md.append("| engine | build s | extra s | heap MB | off-heap MB | total MB | Sextant build / this |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|\n");
        double sextantBuild = rows.stream()
                .filter(r -> r.kind().equals("build") && r.engine().equals("sextant"))
                .mapToDouble(AnnRow::buildSeconds)
                .findFirst()
                .orElse(Double.NaN);
        for (AnnRow r : rows) {
            if (r.kind().equals("build")) {
                boolean variant = r.engine().startsWith("sextant-");
                md.append(String.format(
                        Locale.ROOT,
                        "| %s | %.1f | %.1f | %.0f | %.0f | %.0f | %s |%n",
                        r.engine(),
                        r.buildSeconds(),
                        r.extraSeconds(),
                        r.heapMb(),
                        r.offHeapMb(),
                        r.heapMb() + r.offHeapMb(),
                        variant ? "codes only" : String.format(Locale.ROOT, "%.2f", sextantBuild / r.buildSeconds())));
            }
        }
        md.append('\n');
        for (AnnRow r : rows) {
            if (r.kind().equals("build") && r.engine().equals("sextant") && r.extraSeconds() > 0) {
                md.append(String.format(
                        Locale.ROOT,
                        "Sextant payload links / main graph: %.1f s / %.1f s = %.2f%n%n",
                        r.extraSeconds(),
                        r.buildSeconds(),
                        r.extraSeconds() / r.buildSeconds()));
            }
        }
        for (AnnRow r : rows) {
            if (r.kind().equals("build")) {
                md.append("- ")
                        .append(r.engine())
                        .append(": ")
                        .append(r.notes())
                        .append('\n');
            }
        }
        md.append('\n');

        if (!filters.isEmpty()) {
            md.append("## Verdict: filtered, best QPS at recall@10 >= ")
                    .append(TARGET)
                    .append("\n\n");
            md.append("| filter | threads |");
            engines.forEach(e -> md.append(' ').append(e).append(" |"));
            md.append(" Sextant / Lucene |\n|---|---:|");
            engines.forEach(e -> md.append("---:|"));
            md.append("---:|\n");
            for (String f : filters) {
                for (int t : threads) {
                    md.append("| ").append(f).append(" | ").append(t).append(" |");
                    for (String e : engines) {
                        List<AnnRow> runs = select(rows, e, "filtered", f, t);
                        OptionalDouble q = qpsAtRecall(runs, TARGET);
                        md.append(' ')
                                .append(runs.isEmpty() ? "n/a" : q.isPresent() ? fmt0(q.getAsDouble()) : "not reached")
                                .append(" |");
                    }
                    OptionalDouble s = qpsAtRecall(select(rows, "sextant", "filtered", f, t), TARGET);
                    OptionalDouble l = qpsAtRecall(select(rows, "lucene", "filtered", f, t), TARGET);
                    md.append(' ').append(ratio(s, l.orElse(-1))).append(" |\n");
                }
            }
            md.append('\n');
        }

        md.append("## All runs\n\n");
        md.append("| engine | filter | threads | ef | recall@10 | QPS | p50 ms | p99 ms |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|\n");
        for (AnnRow r : rows) {
            if (!r.kind().equals("build")) {
                md.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | %d | %d | %.4f | %.0f | %.3f | %.3f |%n",
                        r.engine(),
                        r.filter().isEmpty() ? "-" : r.filter(),
                        r.threads(),
                        r.ef(),
                        r.recall(),
                        r.qps(),
                        r.p50Ms(),
                        r.p99Ms()));
            }
        }
        return md.toString();
    }

    private static String ratio(OptionalDouble sextant, double peer) {
        if (sextant.isEmpty()) {
            return "Sextant did not reach the target";
        }
        if (peer <= 0) {
            return "no peer reached the target";
        }
        return String.format(Locale.ROOT, "%.2fx", sextant.getAsDouble() / peer);
    }

    private static String fmt0(double v) {
        return String.format(Locale.ROOT, "%.0f", v);
    }
}
