package io.sextant.bench.ann;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ANN harness's parent ({@code bin/bench ann}): runs one {@link AnnWorker} JVM per engine, one
 * after the other, with the same flags (M, ef_construct, sweep, threads), then writes {@code
 * ann-<dataset>.csv}, {@code ann-<dataset>.md} and {@code ann-<dataset>.png} into the results
 * directory. The load average is sampled before and after each engine, because on a shared machine
 * it decides how far the numbers can be trusted. A command-line tool; not thread-safe.
 *
 * <p>Flags: {@code [--dataset wordnet-bge384|fashion-mnist] [--engines sextant,lucene,jvector,hnswlib]
 * [--threads 1,2] [--ef 10,20,...] [--filter-ef ...] [--queries N] [--data-dir D] [--work-dir D]
 * [--results D] [--heap 4g] [--m 16] [--ef-construct 100] [--build-threads N] [--command "..."]
 * [--tag T] [--variants ...] [--filters none] [--rounds R] [--report-only]}; {@code --rounds R} measures
 * every engine R times, in alternating order, and reports per point the median over the rounds
 * plus each round's own verdict; {@code --report-only} re-renders the
 * report from the rows each engine's worker left in {@code <work-dir>/ann-rows} (e.g. after re-running
 * one engine).
 */
public final class AnnBench {
    private AnnBench() {}

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        args.checkOnly(
                "dataset",
                "engines",
                "threads",
                "ef",
                "filter-ef",
                "queries",
                "data-dir",
                "work-dir",
                "results",
                "heap",
                "m",
                "ef-construct",
                "notes",
                "build-threads",
                "command",
                "variants",
                "filters",
                "tag",
                "rounds",
                "report-only");
        String dataset = args.get("dataset", "wordnet-bge384");
        Path work = Files.createDirectories(Path.of(args.get("work-dir", "bench/work")));
        Path results = Files.createDirectories(Path.of(args.get("results", "bench/results")));
        Path dataDir = Path.of(args.get("data-dir", defaultDataDir(dataset, work)));
        List<String> engines = args.list("engines", "sextant,lucene,jvector,hnswlib");
        String threads = args.get("threads", "1,2");
        String efs = args.get("ef", "10,20,40,80,160,320");
        String filterEfs = args.get("filter-ef", "40,80,160,320");
        int m = args.getInt("m", 16);
        int efc = args.getInt("ef-construct", 100);
        String heap = args.get("heap", "4g");
        String stem = "ann-" + dataset + (args.has("tag") ? "-" + args.get("tag", "") : "");
        int roundCount = args.getInt("rounds", 1);
        if (roundCount < 1) {
            throw new IllegalArgumentException("--rounds must be >= 1, got " + roundCount);
        }

        Map<String, String> context = new LinkedHashMap<>();
        context.put("command", "`" + args.get("command", "AnnBench " + String.join(" ", argv)) + "`");
        context.put("date", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        context.put("CPU", cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores");
        context.put(
                "JVM",
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                        + ", each engine in its own JVM: -Xmx" + heap
                        + " --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED");
        context.put(
                "parameters",
                "M=" + m + ", ef_construct=" + efc + ", k=10, threads " + threads + ", ef " + efs + ", filter ef "
                        + filterEfs + ", data " + dataDir);
        context.put(
                "method",
                "per engine: build, memory = heap growth after GC + off-heap bytes; per point an untimed"
                        + " warm-up pass over the queries with the same ef, then up to 5 timed passes (a further"
                        + " one only while the point has taken < 15 s), the fastest reported; recall@10 with the"
                        + " data set's tie rule (shared/datasets/README.md); search threads take the next query from a"
                        + " shared cursor"
                        + (roundCount > 1
                                ? "; " + roundCount + " rounds, every engine once per round (order reversed in even"
                                        + " rounds), each point reported as the median over the rounds"
                                : ""));

        Path rowsDir = Files.createDirectories(work.resolve("ann-rows"));
        List<List<AnnRow>> rounds = new ArrayList<>();
        List<String> loads = new ArrayList<>();
        for (int round = 1; round <= roundCount; round++) {
            List<AnnRow> rows = new ArrayList<>();
            rounds.add(rows);
            String suffix = roundCount == 1 ? "" : "-r" + round;
            for (String engine : AnnRounds.order(engines, round)) {
                Path out = rowsDir.resolve(stem + "-" + engine + suffix + ".csv");
                Path engineWork = Files.createDirectories(work.resolve("tmp-" + engine));
                List<String> cmd = new ArrayList<>(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx" + heap,
                        "--add-modules",
                        "jdk.incubator.vector",
                        "--enable-native-access=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        AnnWorker.class.getName(),
                        "--dataset",
                        dataset,
                        "--data-dir",
                        dataDir.toString(),
                        "--engine",
                        engine,
                        "--out",
                        out.toString(),
                        "--work-dir",
                        engineWork.toString(),
                        "--threads",
                        threads,
                        "--ef",
                        efs,
                        "--filter-ef",
                        filterEfs,
                        "--m",
                        Integer.toString(m),
                        "--ef-construct",
                        Integer.toString(efc)));
                if (args.has("queries")) {
                    cmd.addAll(List.of("--queries", args.get("queries", "")));
                }
                for (String pass : List.of("variants", "filters")) {
                    if (args.has(pass)) {
                        cmd.addAll(List.of("--" + pass, args.get(pass, "")));
                    }
                }
                if (args.has("build-threads")) {
                    cmd.addAll(List.of("--build-threads", args.get("build-threads", "")));
                }
                Path loadFile = rowsDir.resolve(stem + "-" + engine + suffix + ".load");
                if (!args.has("report-only")) {
                    Files.deleteIfExists(out);
                    String before = loadAverage();
                    System.out.println("[ann] round " + round + "/" + roundCount + ": starting " + engine + " (load "
                            + before + ")");
                    Process p = new ProcessBuilder(cmd).inheritIO().start();
                    int rc = p.waitFor();
                    String after = loadAverage();
                    Files.writeString(
                            loadFile,
                            engine + (roundCount == 1 ? "" : " round " + round) + " " + before + " -> " + after + " ("
                                    + ZonedDateTime.now().format(DateTimeFormatter.ISO_LOCAL_TIME)
                                    + (rc == 0 ? ")" : ", worker exit " + rc + ")"));
                }
                if (Files.exists(loadFile)) {
                    loads.add(Files.readString(loadFile).trim());
                }
                if (Files.exists(out)) {
                    List<String> lines = Files.readAllLines(out);
                    for (String line : lines.subList(1, lines.size())) {
                        rows.add(AnnRow.parse(line));
                    }
                }
            }
        }
        context.put("load average (1/5/15 min) before -> after each engine", String.join("; ", loads));
        List<AnnRow> rows = roundCount == 1 ? rounds.getFirst() : AnnRounds.median(rounds);

        Path csv = results.resolve(stem + ".csv");
        List<String> lines = new ArrayList<>();
        lines.add(AnnRow.HEADER);
        rows.forEach(r -> lines.add(r.toCsv()));
        Files.write(csv, lines);
        if (roundCount > 1) {
            List<String> all = new ArrayList<>();
            all.add("round," + AnnRow.HEADER);
            for (int i = 0; i < rounds.size(); i++) {
                for (AnnRow r : rounds.get(i)) {
                    all.add((i + 1) + "," + r.toCsv());
                }
            }
            Files.write(results.resolve(stem + "-rounds.csv"), all);
        }
        Path png = results.resolve(stem + ".png");
        RecallQpsPlot.write(rows, dataset + ": recall@10 vs QPS (M=" + m + ", ef_construct=" + efc + ")", png);
        context.put("plot", "![recall vs QPS](" + png.getFileName() + ")");
        Path md = results.resolve(stem + ".md");
        String report = AnnReport.render(dataset, rows, context);
        if (roundCount > 1) { // each round's own verdict, after the combined one
            String perRound = "## Verdict per round (unfiltered; every round in " + stem + "-rounds.csv)\n\n"
                    + AnnRounds.verdictPerRound(rounds) + "\n";
            report = report.replaceFirst(
                    "\n## Build and memory",
                    java.util.regex.Matcher.quoteReplacement("\n" + perRound + "## Build and memory"));
        }
        if (args.has("notes")) { // hand-written caveats, placed before the verdicts
            String notes = Files.readString(Path.of(args.get("notes", ""))).strip();
            report = report.replaceFirst(
                    "\n## Verdict", java.util.regex.Matcher.quoteReplacement("\n" + notes + "\n\n## Verdict"));
        }
        Files.writeString(md, report);
        System.out.println("[ann] wrote " + csv + ", " + md + ", " + png);
    }

    static String defaultDataDir(String dataset, Path work) {
        String shared = System.getenv().getOrDefault("SEXTANT_DATASETS", "../shared/datasets");
        return switch (dataset) {
            case "wordnet-bge384" -> Path.of(shared, "wordnet-bge384").toString();
            case "fashion-mnist" -> work.resolve("fashion-mnist").toString();
            default -> throw new IllegalArgumentException("unknown data set " + dataset);
        };
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + "/" + f[1] + "/" + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return System.getProperty("os.arch");
    }
}
