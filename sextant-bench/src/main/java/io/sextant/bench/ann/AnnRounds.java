package io.sextant.bench.ann;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Combines repeated harness rounds (every engine measured once per round, engines in alternating
 * order) into one row per measured point, and renders each round's own verdict: on a machine whose
 * speed drifts over minutes, the per-round ratios are the error bar of the combined verdict. Pure
 * functions; thread-safe.
 */
final class AnnRounds {
    private AnnRounds() {}

    /** The engine order of round {@code round} (1-based): as given in odd rounds, reversed in even ones. */
    static List<String> order(List<String> engines, int round) {
        List<String> out = new ArrayList<>(engines);
        if (round % 2 == 0) {
            java.util.Collections.reverse(out);
        }
        return out;
    }

    /**
     * One row per point (engine, kind, filter, threads, ef) with the median of each measured value
     * over the rounds that have the point; notes from the first such round.
     */
    static List<AnnRow> median(List<List<AnnRow>> rounds) {
        Map<String, List<AnnRow>> byPoint = new LinkedHashMap<>();
        for (List<AnnRow> round : rounds) {
            for (AnnRow r : round) {
                byPoint.computeIfAbsent(key(r), k -> new ArrayList<>()).add(r);
            }
        }
        List<AnnRow> out = new ArrayList<>();
        for (List<AnnRow> same : byPoint.values()) {
            AnnRow first = same.getFirst();
            out.add(new AnnRow(
                    first.dataset(),
                    first.engine(),
                    first.kind(),
                    first.filter(),
                    first.threads(),
                    first.ef(),
                    med(same, AnnRow::recall),
                    med(same, AnnRow::qps),
                    med(same, AnnRow::p50Ms),
                    med(same, AnnRow::p99Ms),
                    med(same, AnnRow::buildSeconds),
                    med(same, AnnRow::extraSeconds),
                    med(same, AnnRow::heapMb),
                    med(same, AnnRow::offHeapMb),
                    first.notes()));
        }
        return out;
    }

    /** A markdown table: per round and thread count, Sextant's best QPS at the target, the best peer's, and the ratio. */
    static String verdictPerRound(List<List<AnnRow>> rounds) {
        StringBuilder md = new StringBuilder();
        md.append("| round | threads | sextant | best peer | peer QPS | Sextant / best peer |\n");
        md.append("|---:|---:|---:|---|---:|---:|\n");
        for (int i = 0; i < rounds.size(); i++) {
            List<AnnRow> round = rounds.get(i);
            for (int t : threads(round)) {
                OptionalDouble s =
                        AnnReport.qpsAtRecall(AnnReport.select(round, "sextant", "search", "", t), AnnReport.TARGET);
                double best = -1;
                String bestName = "n/a";
                for (String e : engines(round)) {
                    if (e.startsWith("sextant")) {
                        continue;
                    }
                    OptionalDouble q =
                            AnnReport.qpsAtRecall(AnnReport.select(round, e, "search", "", t), AnnReport.TARGET);
                    if (q.isPresent() && q.getAsDouble() > best) {
                        best = q.getAsDouble();
                        bestName = e;
                    }
                }
                md.append(String.format(
                        Locale.ROOT,
                        "| %d | %d | %s | %s | %s | %s |%n",
                        i + 1,
                        t,
                        s.isPresent() ? String.format(Locale.ROOT, "%.0f", s.getAsDouble()) : "not reached",
                        bestName,
                        best > 0 ? String.format(Locale.ROOT, "%.0f", best) : "n/a",
                        s.isPresent() && best > 0
                                ? String.format(Locale.ROOT, "%.2fx", s.getAsDouble() / best)
                                : "n/a"));
            }
        }
        return md.toString();
    }

    private static String key(AnnRow r) {
        return r.engine() + '\u0000' + r.kind() + '\u0000' + r.filter() + '\u0000' + r.threads() + '\u0000' + r.ef();
    }

    private static double med(List<AnnRow> rows, java.util.function.ToDoubleFunction<AnnRow> f) {
        double[] v = rows.stream().mapToDouble(f).sorted().toArray();
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    private static List<Integer> threads(List<AnnRow> rows) {
        return rows.stream()
                .filter(r -> r.kind().equals("search"))
                .map(AnnRow::threads)
                .distinct()
                .sorted()
                .toList();
    }

    private static List<String> engines(List<AnnRow> rows) {
        return rows.stream().map(AnnRow::engine).distinct().toList();
    }
}
