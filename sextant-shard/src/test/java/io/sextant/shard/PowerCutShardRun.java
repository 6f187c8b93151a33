package io.sextant.shard;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import io.sextant.segment.config.ShardConfig;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.filter.Condition;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.filter.Match;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.segment.index.PayloadSchemaType;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.ops.PointsSelector;
import io.sextant.segment.storage.AtomicFiles;
import io.sextant.segment.testing.PowerCutFileSystem;
import io.sextant.segment.testing.ScratchDirectories;
import io.sextant.vector.Distance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * One seed of {@link PowerCutTest}: a shard on a {@link PowerCutFileSystem}, a seeded workload and
 * the model of what was acknowledged ({@link ExpectedPoints}); cut, materialize, reopen, verify,
 * continue. Not thread-safe; the optimizer runs on the calling thread.
 */
final class PowerCutShardRun {
    /** Counts over a whole test run. */
    static final class Stats {
        long crashes;
        long ackedOps;
        long verifiedOpens;
        long cutsDuringOpen;
        long inFlightApplied;
        long inFlightDropped;
        long lostPoints;
        long resurrected;
        long failedOpens;
        long walRolls;
        long checkpoints;
        long optimizations;
        long mutations;
        final List<String> failures = new ArrayList<>();

        String summary(long baseSeed, double seconds) {
            return String.format(
                    "power-cut shard test: base seed %d, %.1f s: %d crashes (%d of them during the reopen), %d"
                            + " reopens verified, %d acknowledged operations verified, in-flight operations"
                            + " found applied %d / dropped %d, %d WAL rolls, %d checkpoints, %d optimizer runs,"
                            + " %d mutations; lost points %d, resurrected points %d, failed opens %d%s",
                    baseSeed,
                    seconds,
                    crashes,
                    cutsDuringOpen,
                    verifiedOpens,
                    ackedOps,
                    inFlightApplied,
                    inFlightDropped,
                    walRolls,
                    checkpoints,
                    optimizations,
                    mutations,
                    lostPoints,
                    resurrected,
                    failedOpens,
                    failures.isEmpty()
                            ? ""
                            : "\nfirst failures:\n  "
                                    + String.join("\n  ", failures.subList(0, Math.min(20, failures.size()))));
        }
    }

    private static final String BLOB = "blob";
    private static final int BLOB_CHARS = 150_000;
    private static final Filter TAG0 = Filter.must(new Condition.MatchCondition("tag", new Match.Value("t0")));

    private final long seed;
    private final Random r;
    private final Path work;
    private final Stats stats;
    private final PowerCutFileSystem.CrashMode mode;
    private final int dim;
    private final int universe;
    private final ShardConfig config;
    private ExpectedPoints model = new ExpectedPoints();
    private final Map<PointId, ArrayDeque<String>> history = new HashMap<>();
    private final ArrayDeque<PointOperation> queued = new ArrayDeque<>();
    private int gen;
    private long opCounter;
    private long ackedSinceVerify;
    private PowerCutFileSystem fs;
    private Path realDir;
    /** The cuts since the last verified reopen (a cut during a reopen leaves the image unverified). */
    private final List<String> cutsSinceVerify = new ArrayList<>();
    /** {@code -Dpowercut.keepImages=DIR}: every surviving image is also written to DIR/seed-N/image-G. */
    private static final String KEEP = System.getProperty("powercut.keepImages");

    private LocalShard shard;
    private int walFiles;

    PowerCutShardRun(long seed, Path work, Stats stats) {
        this.seed = seed;
        this.r = new Random(seed);
        this.work = work;
        this.stats = stats;
        this.mode = r.nextBoolean() ? PowerCutFileSystem.CrashMode.DROP_UNSYNCED : PowerCutFileSystem.CrashMode.TORN;
        this.dim = 4 + r.nextInt(5);
        this.universe = 50 + r.nextInt(151);
        this.config = new ShardConfig(
                Map.of("", new VectorSpec(dim, r.nextBoolean() ? Distance.EUCLID : Distance.DOT, r.nextBoolean())),
                new ShardConfig.OptimizerSettings(0.2, 10, 2, null, 1, 3600),
                new ShardConfig.WalSettings(1, 0));
    }

    private String where() {
        return "seed " + seed + " (" + mode + ", dim " + dim + ", " + universe + " ids), image " + gen
                + " (after the power cut(s) " + String.join(", then ", cutsSinceVerify) + ")"
                + (KEEP == null ? "" : " kept in " + Path.of(KEEP, "seed-" + seed));
    }

    void run(int cuts) throws IOException {
        realDir = Files.createDirectories(work.resolve("gen0"));
        fs = PowerCutFileSystem.create(realDir, mode, seed);
        Path shardDir = fs.root().resolve("shard");
        Files.createDirectory(shardDir); // the collection's job: a durable, empty shard directory
        AtomicFiles.fsyncDir(fs.root());
        PointOperation inFlight = null;
        for (int c = 0; c < cuts; c++) {
            int[] windows = {30, 300, 3000};
            fs.cutAtMutation(fs.mutations() + 1 + r.nextInt(windows[r.nextInt(windows.length)]));
            boolean opened = false;
            try {
                shard = LocalShard.open(fs.root().resolve("shard"), config, false);
                opened = true;
                if (gen > 0) {
                    verify(inFlight);
                    if (stats.failures.size() > 200) {
                        return;
                    }
                }
                inFlight = null;
                walFiles = shard.walFiles();
                inFlight = runUntilCut();
            } catch (RuntimeException e) {
                if (!fs.isCut()) {
                    if (!opened) {
                        stats.failedOpens++;
                        stats.failures.add(where() + ": the shard does not open: " + e);
                        return;
                    }
                    throw new AssertionError(where() + ": unexpected failure", e);
                }
                if (!opened) {
                    stats.cutsDuringOpen++;
                }
            }
            crash();
        }
        shard = openForVerification();
        if (shard != null) {
            verify(inFlight);
            shard.close();
        }
        fs.close();
    }

    private LocalShard openForVerification() {
        try {
            return LocalShard.open(fs.root().resolve("shard"), config, false);
        } catch (RuntimeException e) {
            stats.failedOpens++;
            stats.failures.add(where() + ": the shard does not open: " + e);
            return null;
        }
    }

    /** Runs the workload until the power cut; returns the operation it interrupted, if any. */
    private PointOperation runUntilCut() {
        while (true) {
            PointOperation op = nextOperation();
            try {
                if (op == null) {
                    if (r.nextBoolean()) {
                        shard.flush();
                        stats.checkpoints++;
                    } else {
                        shard.optimizeNow();
                        stats.optimizations++;
                    }
                } else {
                    shard.update(op, true);
                    opCounter++;
                    model.apply(op);
                    ackedSinceVerify++;
                    note(op);
                }
                int files = shard.walFiles();
                if (files > walFiles) {
                    stats.walRolls += files - walFiles;
                }
                walFiles = files;
            } catch (RuntimeException e) {
                if (!fs.isCut()) {
                    throw new AssertionError(where() + ": operation " + op + " failed without a power cut", e);
                }
                return op;
            }
        }
    }

    private void note(PointOperation op) {
        String d = opCounter + ":" + op.getClass().getSimpleName();
        for (PointId id : ExpectedPoints.touched(op)) {
            ArrayDeque<String> h = history.computeIfAbsent(id, k -> new ArrayDeque<>());
            h.addLast(d);
            if (h.size() > 6) {
                h.removeFirst();
            }
        }
    }

    private void crash() throws IOException {
        stats.mutations += fs.mutations();
        if (shard != null) {
            try {
                shard.close(); // fails fast on the dead file system; releases descriptors
            } catch (RuntimeException ignored) {
                // expected: every operation after the cut fails
            }
            shard = null;
        }
        Path next = work.resolve("gen" + (gen + 1));
        fs.materialize(next);
        cutsSinceVerify.add(fs.cutDescription());
        if (KEEP != null) {
            fs.materialize(Path.of(KEEP, "seed-" + seed, "image-" + (gen + 1)));
        }
        fs.close();
        ScratchDirectories.deleteTree(realDir);
        realDir = next;
        gen++;
        stats.crashes++;
        fs = PowerCutFileSystem.create(next, mode, seed * 31 + gen);
    }

    /**
     * Compares the reopened shard with the model: every point equals the model, except those of the
     * operation in flight at the cut, which all equal either the state before it or after it.
     * Records failures and takes the shard's state as the new model so the run can go on.
     */
    private void verify(PointOperation inFlight) {
        stats.verifiedOpens++;
        stats.ackedOps += ackedSinceVerify;
        ackedSinceVerify = 0;
        List<PointId> ids = new ArrayList<>();
        for (int i = 0; i < universe; i++) {
            ids.add(PointId.of(i));
        }
        Map<PointId, ExpectedPoints.Point> actual = ExpectedPoints.read(shard, ids);
        Set<PointId> touched = inFlight == null ? Set.of() : ExpectedPoints.touched(inFlight);
        if (inFlight != null) {
            ExpectedPoints after = model.copy();
            after.apply(inFlight);
            boolean asBefore = touched.stream().allMatch(id -> same(model.get(id), actual.get(id)));
            boolean asAfter = touched.stream().allMatch(id -> same(after.get(id), actual.get(id)));
            if (asAfter && !asBefore) {
                model = after;
                stats.inFlightApplied++;
            } else if (asBefore && !asAfter) {
                stats.inFlightDropped++;
            } else if (!asBefore) {
                stats.failures.add(
                        where() + ": operation in flight " + inFlight + " is neither all applied nor all absent");
                model = after; // report the differences against "applied" below
            }
        }
        for (PointId id : ids) {
            ExpectedPoints.Point want = model.get(id);
            ExpectedPoints.Point got = actual.get(id);
            if (same(want, got)) {
                continue;
            }
            if (want != null) {
                stats.lostPoints++;
            } else {
                stats.resurrected++;
            }
            stats.failures.add(where() + ": point " + id + (want == null ? " was deleted but is back" : " lost")
                    + ": expected " + (want == null ? "absent" : want.describe()) + ", found "
                    + (got == null ? "absent" : got.describe()) + "; its last operations " + history.get(id)
                    + (touched.contains(id) ? " (in flight: " + inFlight + ")" : ""));
            model.put(id, got);
        }
        long count = shard.count(Filter.ALL, true);
        if (count != model.size()) {
            stats.failures.add(where() + ": count " + count + " but " + model.size() + " points are live");
        }
        long tag0 = model.ids().stream()
                .filter(id -> "t0".equals(model.get(id).payload().path("tag").asText(null)))
                .count();
        long tagged = shard.count(TAG0, true);
        if (tagged != tag0) {
            stats.failures.add(where() + ": filtered count " + tagged + " but " + tag0 + " points have tag t0");
        }
        cutsSinceVerify.clear();
    }

    private static boolean same(ExpectedPoints.Point want, ExpectedPoints.Point got) {
        return want == null ? got == null : want.sameAs(got);
    }

    // ------------------------------------------------------------------ workload

    private PointId anyId() {
        return PointId.of(r.nextInt(universe));
    }

    /** Mostly an existing point (most of them live in immutable segments after a few optimizer runs). */
    private PointId existingId() {
        List<PointId> ids = model.ids();
        return ids.isEmpty() || r.nextInt(10) == 0 ? anyId() : ids.get(r.nextInt(ids.size()));
    }

    private PointsSelector someExisting(int max) {
        List<PointId> out = new ArrayList<>();
        int n = 1 + r.nextInt(max);
        for (int i = 0; i < n; i++) {
            out.add(existingId());
        }
        return new PointsSelector.Ids(out);
    }

    private float[] vector() {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = r.nextFloat() * 2 - 1;
        }
        return v;
    }

    private ObjectNode payload() {
        ObjectNode p = JsonNodeFactory.instance.objectNode();
        p.put("k", r.nextInt(1000));
        p.put("tag", "t" + r.nextInt(4));
        return p;
    }

    /** The next step: an update, or null for a checkpoint or an optimizer run. */
    private PointOperation nextOperation() {
        if (!queued.isEmpty()) {
            return queued.poll();
        }
        int k = r.nextInt(100);
        List<PointId> live = model.ids();
        if (live.isEmpty() && k < 80) {
            k = 60; // upsert
        }
        if (k < 20) {
            return new PointOperation.SetPayload(payload(), someExisting(3), null);
        } else if (k < 24) {
            ObjectNode p = JsonNodeFactory.instance.objectNode().put("x", r.nextInt(100));
            return new PointOperation.SetPayload(p, someExisting(2), "nested");
        } else if (k < 30) {
            return new PointOperation.OverwritePayload(payload(), someExisting(2));
        } else if (k < 34) {
            List<String> keys = List.of(List.of("k", "tag", "nested").get(r.nextInt(3)));
            return new PointOperation.DeletePayload(keys, someExisting(3));
        } else if (k < 36) {
            return new PointOperation.ClearPayload(someExisting(2));
        } else if (k < 54) {
            List<PointOperation.PointVectors> pv = new ArrayList<>();
            int n = 1 + r.nextInt(3);
            for (int i = 0; i < n; i++) {
                pv.add(new PointOperation.PointVectors(live.get(r.nextInt(live.size())), Map.of("", vector())));
            }
            return new PointOperation.UpdateVectors(pv);
        } else if (k < 58) {
            return new PointOperation.DeleteVectors(someExisting(2), List.of(""));
        } else if (k < 70) {
            List<PointOperation.PointStruct> pts = new ArrayList<>();
            int n = 1 + r.nextInt(8);
            for (int i = 0; i < n; i++) {
                pts.add(new PointOperation.PointStruct(anyId(), Map.of("", vector()), payload()));
            }
            return new PointOperation.Upsert(pts);
        } else if (k < 77) {
            return new PointOperation.Delete(someExisting(4));
        } else if (k < 79) { // a big payload rolls the 1 MB WAL every few of these; taken off again next
            PointsSelector one = new PointsSelector.Ids(List.of(existingId()));
            ObjectNode p = JsonNodeFactory.instance.objectNode().put(BLOB, "b".repeat(BLOB_CHARS));
            queued.add(new PointOperation.DeletePayload(List.of(BLOB), one));
            return new PointOperation.SetPayload(p, one, null);
        } else if (k < 80) {
            return r.nextInt(3) == 0
                    ? new PointOperation.DeleteFieldIndex("tag")
                    : new PointOperation.CreateFieldIndex("tag", PayloadIndexSpec.of(PayloadSchemaType.KEYWORD));
        }
        return null;
    }
}
