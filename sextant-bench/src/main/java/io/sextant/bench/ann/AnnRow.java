package io.sextant.bench.ann;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One result line of the ANN harness, as written by a worker JVM and read back by {@link AnnBench}:
 * either a build ({@code kind = "build"}: seconds, memory, notes) or a search run ({@code kind =
 * "search"} unfiltered or {@code "filtered"} with a filter name: threads, ef, recall@10, QPS and
 * latency percentiles). CSV with a fixed header; the notes column is quoted. Immutable.
 */
public record AnnRow(
        String dataset,
        String engine,
        String kind,
        String filter,
        int threads,
        int ef,
        double recall,
        double qps,
        double p50Ms,
        double p99Ms,
        double buildSeconds,
        double extraSeconds,
        double heapMb,
        double offHeapMb,
        String notes) {

    public static final String HEADER =
            "dataset,engine,kind,filter,threads,ef,recall_at_10,qps,p50_ms,p99_ms,build_s,extra_build_s,heap_mb,"
                    + "offheap_mb,notes";

    static AnnRow build(
            String dataset,
            String engine,
            double seconds,
            double extra,
            double heapMb,
            double offHeapMb,
            String notes) {
        return new AnnRow(dataset, engine, "build", "", 0, 0, 0, 0, 0, 0, seconds, extra, heapMb, offHeapMb, notes);
    }

    static AnnRow search(
            String dataset,
            String engine,
            String filter,
            int threads,
            int ef,
            double recall,
            double qps,
            double p50Ms,
            double p99Ms,
            String notes) {
        return new AnnRow(
                dataset,
                engine,
                filter.isEmpty() ? "search" : "filtered",
                filter,
                threads,
                ef,
                recall,
                qps,
                p50Ms,
                p99Ms,
                0,
                0,
                0,
                0,
                notes);
    }

    public String toCsv() {
        return String.join(
                ",",
                dataset,
                engine,
                kind,
                filter,
                Integer.toString(threads),
                Integer.toString(ef),
                fmt(recall),
                fmt(qps),
                fmt(p50Ms),
                fmt(p99Ms),
                fmt(buildSeconds),
                fmt(extraSeconds),
                fmt(heapMb),
                fmt(offHeapMb),
                '"' + notes.replace("\"", "\"\"") + '"');
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    public static AnnRow parse(String line) {
        List<String> f = split(line);
        if (f.size() != 15) {
            throw new IllegalArgumentException("expected 15 CSV fields, got " + f.size() + " in: " + line);
        }
        return new AnnRow(
                f.get(0),
                f.get(1),
                f.get(2),
                f.get(3),
                Integer.parseInt(f.get(4)),
                Integer.parseInt(f.get(5)),
                Double.parseDouble(f.get(6)),
                Double.parseDouble(f.get(7)),
                Double.parseDouble(f.get(8)),
                Double.parseDouble(f.get(9)),
                Double.parseDouble(f.get(10)),
                Double.parseDouble(f.get(11)),
                Double.parseDouble(f.get(12)),
                Double.parseDouble(f.get(13)),
                f.get(14));
    }

    static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
