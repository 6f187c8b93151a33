package io.sextant.bench.backup;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.bench.ann.Dataset;
import io.sextant.collection.AtomicFiles;
import io.sextant.collection.Collection;
import io.sextant.collection.TableOfContents;
import io.sextant.collection.backup.IncrementalBackups;
import io.sextant.collection.backup.LocalBlobStore;
import io.sextant.collection.config.CollectionConfig;
import io.sextant.collection.config.CollectionParams;
import io.sextant.collection.config.VectorParams;
import io.sextant.collection.snapshot.LocalSnapshotStore;
import io.sextant.collection.snapshot.SnapshotDescription;
import io.sextant.collection.snapshot.SnapshotLocations;
import io.sextant.collection.snapshot.SnapshotNames;
import io.sextant.collection.snapshot.SnapshotRestorer;
import io.sextant.collection.snapshot.SnapshotService;
import io.sextant.segment.PointId;
import io.sextant.segment.filter.Condition;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.filter.Match;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.segment.index.PayloadSchemaType;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.VectorSelector;
import io.sextant.shard.LocalShard;
import io.sextant.shard.ScrollRequest;
import io.sextant.vector.Distance;
import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * {@code bin/bench incremental-backup}: wordnet-bge384 (115,659 points, payload with keyword
 * indexes on {@code pos} and {@code lexname}) in an in-process node, first incremental backup, an
 * upsert of new vectors and payload for 1 % of the ids, optimizer settled, second backup; then
 * restores of the second backup (the chain's newest manifest) and of a full snapshot of the same
 * state, alternating, timed, each checked point by point against the source (ids, vectors,
 * payload, payload schema, filtered counts). Writes a Markdown report. Not a test: numbers depend
 * on the disk and the machine's load.
 */
public final class IncrementalBackupBench {
    private static final String NAME = "wordnet";

    private IncrementalBackupBench() {}

    public static void main(String[] args) throws Exception {
        Path data = Path.of(arg(args, "--dataset-dir", "/work/shared/datasets/wordnet-bge384"));
        Path work = Path.of(arg(args, "--work", "bench/work/incremental-backup"));
        Path out = Path.of(arg(args, "--out", "bench/results/incremental-backup-wordnet-bge384.md"));
        int rounds = Integer.parseInt(arg(args, "--rounds", "3"));
        double share = Double.parseDouble(arg(args, "--change", "0.01"));
        AtomicFiles.deleteTree(work);
        Files.createDirectories(work);
        String load0 = Files.readString(Path.of("/proc/loadavg")).trim();
        Instant started = Instant.now();
        List<String> lines = new ArrayList<>();

        Dataset ds = Dataset.load("wordnet-bge384", data);
        List<ObjectNode> payloads = readPayloads(data.resolve("base.jsonl"), ds.base().length);
        int n = ds.base().length;
        try (TableOfContents toc = TableOfContents.open(work.resolve("storage"), LocalShard::open);
                IncrementalBackups incr =
                        new IncrementalBackups(new LocalBlobStore(work.resolve("target")), Clock.systemUTC());
                TableOfContents restoreToc = TableOfContents.open(work.resolve("restore"), LocalShard::open)) {
            SnapshotService full = new SnapshotService(
                    toc,
                    new LocalSnapshotStore(work.resolve("full")),
                    work.resolve("snapshots"),
                    null,
                    Clock.systemUTC());
            long t = System.nanoTime();
            Collection c = toc.create(
                    NAME,
                    CollectionConfig.of(CollectionParams.single(VectorParams.of(ds.dimension(), Distance.COSINE))));
            c.update(new PointOperation.CreateFieldIndex("pos", PayloadIndexSpec.of(PayloadSchemaType.KEYWORD)), true);
            c.update(
                    new PointOperation.CreateFieldIndex("lexname", PayloadIndexSpec.of(PayloadSchemaType.KEYWORD)),
                    true);
            for (int b = 0; b < n; b += 1000) {
                List<PointOperation.PointStruct> pts = new ArrayList<>();
                for (int i = b; i < Math.min(n, b + 1000); i++) {
                    pts.add(new PointOperation.PointStruct(PointId.of(i), Map.of("", ds.base()[i]), payloads.get(i)));
                }
                c.update(new PointOperation.Upsert(pts), true);
            }
            long settle1 = settle(c);
            log(
                    lines,
                    "loaded %,d points in %.1f s (optimizer settled after %.1f s more); %d segments",
                    n,
                    (System.nanoTime() - t) / 1e9 - settle1 / 1e3,
                    settle1 / 1e3,
                    c.info().segmentsCount());

            t = System.nanoTime();
            IncrementalBackups.Created first = incr.create(c, work.resolve("cap1"));
            double firstSec = (System.nanoTime() - t) / 1e9;

            // change 1 %: new vector (another row's) and new payload for random existing ids
            int changes = (int) Math.round(n * share);
            Random rnd = new Random(42);
            Set<Integer> ids = new LinkedHashSet<>();
            while (ids.size() < changes) {
                ids.add(rnd.nextInt(n));
            }
            List<PointOperation.PointStruct> pts = new ArrayList<>();
            for (int i : ids) {
                ObjectNode p = payloads.get(i).deepCopy();
                p.put("revision", 2);
                p.put("gloss", "changed: " + p.path("gloss").asText());
                pts.add(new PointOperation.PointStruct(PointId.of(i), Map.of("", ds.base()[(i + 7) % n]), p));
            }
            t = System.nanoTime();
            for (int b = 0; b < pts.size(); b += 200) {
                c.update(new PointOperation.Upsert(pts.subList(b, Math.min(pts.size(), b + 200))), true);
            }
            long settle2 = settle(c);
            log(
                    lines,
                    "changed %,d points (%.2f %%) in %.1f s, optimizer settled %.1f s later; %d segments",
                    changes,
                    100.0 * changes / n,
                    (System.nanoTime() - t) / 1e9 - settle2 / 1e3,
                    settle2 / 1e3,
                    c.info().segmentsCount());

            t = System.nanoTime();
            IncrementalBackups.Created second = incr.create(c, work.resolve("cap2"));
            double secondSec = (System.nanoTime() - t) / 1e9;
            t = System.nanoTime();
            SnapshotDescription snap = full.createCollection(NAME);
            double fullSec = (System.nanoTime() - t) / 1e9;

            List<String[]> files = changedFiles(first, second);
            double ratio = 100.0 * second.newBytes() / first.newBytes();

            // restores, alternating order, into a separate node
            List<Double> chainTimes = new ArrayList<>();
            List<Double> fullTimes = new ArrayList<>();
            String check = "";
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < 2; k++) {
                    boolean chain = (r + k) % 2 == 0;
                    String target = chain ? "from_chain" : "from_full";
                    long s = System.nanoTime();
                    if (chain) {
                        incr.restore(
                                restoreToc, target, NAME, second.description().name());
                    } else {
                        LocalSnapshotStore store = (LocalSnapshotStore) full.store();
                        Path file = store.localCopy(SnapshotNames.collectionScope(NAME), snap.name(), null);
                        SnapshotLocations.verifyChecksum(file, null, snap.checksum());
                        SnapshotRestorer.restoreCollection(restoreToc, target, file);
                    }
                    long count = restoreToc.get(target).count(Filter.ALL, true);
                    double sec = (System.nanoTime() - s) / 1e9;
                    (chain ? chainTimes : fullTimes).add(sec);
                    if (count != n) {
                        throw new IllegalStateException(target + " has " + count + " points, expected " + n);
                    }
                }
            }
            check = compare(c, restoreToc.get("from_chain")) + "; full snapshot restore: "
                    + compare(c, restoreToc.get("from_full"));
            double chainMed = median(chainTimes);
            double fullMed = median(fullTimes);

            StringBuilder md = new StringBuilder();
            md.append("# Incremental backups on wordnet-bge384\n\n");
            md.append("Command: `bin/bench incremental-backup")
                    .append(args.length > 0 ? " " + String.join(" ", args) : "")
                    .append("` (in-process node: TableOfContents + LocalShard, the code the server runs; ")
                    .append("local directory target). Started ")
                    .append(started)
                    .append(".\n\n");
            md.append("Machine: ")
                    .append(Runtime.getRuntime().availableProcessors())
                    .append(" cores, shared with other agents; load average at start `")
                    .append(load0)
                    .append("`, at end `")
                    .append(Files.readString(Path.of("/proc/loadavg")).trim())
                    .append("`.\n\n");
            lines.forEach(l -> md.append("- ").append(l).append('\n'));
            md.append(
                    "\n| | bytes | new blob bytes uploaded | files (new chunk blobs) | time |\n|---|---:|---:|---:|---:|\n");
            md.append(String.format(
                    "| 1st incremental backup | %,d | %,d | %d (%d) | %.2f s |%n",
                    first.manifest().bytes(),
                    first.newBytes(),
                    first.manifest().files().size(),
                    first.newBlobs(),
                    firstSec));
            md.append(String.format(
                    "| 2nd incremental backup (after %d changes) | %,d | %,d | %d (%d) | %.2f s |%n",
                    changes,
                    second.manifest().bytes(),
                    second.newBytes(),
                    second.manifest().files().size(),
                    second.newBlobs(),
                    secondSec));
            md.append(String.format(
                    "| full snapshot of the same state (tar) | %,d | %,d | 1 | %.2f s |%n",
                    snap.size(), snap.size(), fullSec));
            md.append(String.format(
                    "%n**2nd backup uploaded %.2f %% of the 1st** (target <= 5 %%): %s.%n",
                    ratio, ratio <= 5 ? "met" : "NOT met"));
            md.append("\nFiles of the 2nd backup with chunks the 1st lacked (chunk size ")
                    .append(String.format("%,d", second.manifest().chunkSize()))
                    .append(" bytes):\n\n| file | bytes | new chunk bytes |\n|---|---:|---:|\n");
            for (String[] f : files) {
                md.append("| `")
                        .append(f[0])
                        .append("` | ")
                        .append(f[1])
                        .append(" | ")
                        .append(f[2])
                        .append(" |\n");
            }
            md.append(String.format(
                    "%n| restore | runs (s) | median |%n|---|---|---:|%n| chain (2nd manifest, every "
                            + "blob hash-verified) | %s | %.2f s |%n| full snapshot (checksum + extract) | %s | %.2f s |%n",
                    fmt(chainTimes), chainMed, fmt(fullTimes), fullMed));
            double x = chainMed / fullMed;
            md.append(String.format(
                    "%n**Chain restore / full restore = %.2fx** (target <= 1.1x): %s.%n",
                    x, x <= 1.1 ? "met" : "NOT met"));
            md.append("\nEquality with the source: chain restore: ")
                    .append(check)
                    .append("\n");
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, md);
            System.out.print(md);
        } finally {
            AtomicFiles.deleteTree(work);
        }
    }

    /** Files of {@code b} with chunks {@code a} does not have: path, size, new chunk bytes. */
    private static List<String[]> changedFiles(IncrementalBackups.Created a, IncrementalBackups.Created b) {
        Set<String> old = new java.util.HashSet<>();
        a.manifest().files().forEach(f -> old.addAll(f.chunks()));
        List<String[]> out = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>(old);
        int chunk = b.manifest().chunkSize();
        for (var f : b.manifest().files()) {
            long fresh = 0;
            for (int i = 0; i < f.chunks().size(); i++) {
                if (seen.add(f.chunks().get(i))) {
                    fresh += f.chunkLength(i, chunk);
                }
            }
            if (fresh > 0) {
                out.add(new String[] {f.path(), String.format("%,d", f.size()), String.format("%,d", fresh)});
            }
        }
        return out;
    }

    /** Waits until the collection is green with no optimization running or queued; returns ms waited. */
    private static long settle(Collection c) throws InterruptedException {
        long t = System.nanoTime();
        int quiet = 0;
        while (quiet < 3) {
            var o = c.optimizations();
            boolean idle = "green".equals(c.info().status())
                    && o.running().isEmpty()
                    && o.queued().isEmpty();
            quiet = idle ? quiet + 1 : 0;
            Thread.sleep(500);
        }
        return (System.nanoTime() - t) / 1_000_000;
    }

    /** Every point (id, payload, vector), the payload schema and filtered counts must be equal. */
    private static String compare(Collection a, Collection b) {
        if (!a.payloadSchema().equals(b.payloadSchema())) {
            throw new IllegalStateException(
                    "payload schema differs: " + a.payloadSchema() + " vs " + b.payloadSchema());
        }
        long checked = 0;
        PointId offset = null;
        do {
            var page = a.scroll(
                    new ScrollRequest(Filter.ALL, 1000, offset, null, PayloadSelector.ALL, VectorSelector.ALL));
            List<PointId> ids = page.points().stream().map(PointRecord::id).toList();
            List<PointRecord> mine = page.points();
            List<PointRecord> theirs = b.retrieve(ids, PayloadSelector.ALL, VectorSelector.ALL);
            if (theirs.size() != mine.size()) {
                throw new IllegalStateException("restored copy lacks points near " + ids.getFirst());
            }
            for (int i = 0; i < mine.size(); i++) {
                PointRecord x = mine.get(i);
                PointRecord y = theirs.get(i);
                if (!x.id().equals(y.id())
                        || !x.payload().equals(y.payload())
                        || !Arrays.equals(x.vectors().get(""), y.vectors().get(""))) {
                    throw new IllegalStateException("point " + x.id() + " differs in the restored copy");
                }
            }
            checked += mine.size();
            offset = page.nextOffset();
        } while (offset != null);
        if (checked != b.count(Filter.ALL, true)) {
            throw new IllegalStateException("restored copy has extra points");
        }
        StringBuilder counts = new StringBuilder();
        for (String pos : List.of("noun", "verb", "adj", "adv")) {
            Filter f = Filter.must(new Condition.MatchCondition("pos", new Match.Value(pos)));
            long x = a.count(f, true);
            long y = b.count(f, true);
            if (x != y) {
                throw new IllegalStateException("count pos=" + pos + ": " + x + " vs " + y);
            }
            counts.append(pos).append('=').append(x).append(' ');
        }
        return String.format(
                "%,d points identical (ids, vectors, payload), payload schema %s identical, "
                        + "indexed filter counts identical (%s)",
                checked, b.payloadSchema().keySet(), counts.toString().trim());
    }

    private static List<ObjectNode> readPayloads(Path jsonl, int n) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<ObjectNode> out = new ArrayList<>(n);
        try (BufferedReader in = Files.newBufferedReader(jsonl)) {
            for (int i = 0; i < n; i++) {
                out.add((ObjectNode) json.readTree(in.readLine()));
            }
        }
        return out;
    }

    private static void log(List<String> lines, String fmt, Object... a) {
        String s = String.format(fmt, a);
        System.err.println(s);
        lines.add(s);
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        int m = s.size() / 2;
        return s.size() % 2 == 1 ? s.get(m) : (s.get(m - 1) + s.get(m)) / 2;
    }

    private static String fmt(List<Double> xs) {
        return String.join(", ", xs.stream().map(x -> String.format("%.2f", x)).toList());
    }

    private static String arg(String[] args, String name, String dflt) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return dflt;
    }
}
