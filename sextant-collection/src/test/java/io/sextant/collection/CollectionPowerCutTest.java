package io.sextant.collection;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.collection.config.CollectionConfig;
import io.sextant.collection.config.CollectionParams;
import io.sextant.collection.config.VectorParams;
import io.sextant.collection.snapshot.LocalSnapshotStore;
import io.sextant.collection.snapshot.SnapshotNames;
import io.sextant.collection.snapshot.SnapshotService;
import io.sextant.segment.PointId;
import io.sextant.segment.config.ShardConfig;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.ops.PointsSelector;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.VectorSelector;
import io.sextant.segment.testing.PowerCutFileSystem;
import io.sextant.segment.testing.ScratchDirectories;
import io.sextant.shard.LocalShard;
import io.sextant.shard.Shard;
import io.sextant.vector.Distance;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Simulated power cuts ({@link PowerCutFileSystem}) under a {@link TableOfContents} of real
 * {@link LocalShard}s: collections are created (one or two shards) and deleted while points are
 * upserted, deleted and given payloads, snapshotted, and restored from an earlier snapshot (over
 * the live collection or after it was dropped); the storage is cut at a seeded mutation, reopened from what
 * survived and compared with every acknowledged operation. A created collection, and the points
 * written to it, survive; a deleted one never comes back; an acknowledged snapshot can be restored
 * and a restore in flight leaves the old collection or the restored one, whole; the storage always
 * opens. The operation
 * in flight may have happened or not (a point operation per point: shards are not atomic together).
 *
 * <p>{@value #DEFAULT_CRASHES} crashes by default; {@code -Dpowercut.collection.crashes=N} and
 * {@code -Dpowercut.seed=S} for longer runs.
 */
class CollectionPowerCutTest {
    static final int DEFAULT_CRASHES = 60;
    private static final int IDS = 40;
    private static final int MAX_SNAPSHOTS = 4;
    private static final List<String> NAMES = List.of("c0", "c1", "c2");

    @TempDir
    Path tmp;

    /** One point as the model holds it. */
    private record Pt(float[] vector, ObjectNode payload) {
        boolean same(PointRecord r) {
            ObjectNode p = r.payload() == null ? JsonNodeFactory.instance.objectNode() : r.payload();
            return Arrays.equals(vector, r.vectors().get("")) && payload.equals(p);
        }
    }

    private final List<String> failures = new ArrayList<>();
    private Random r;
    private long seed;
    private PowerCutFileSystem fs;
    private Path base;
    private PowerCutFileSystem.CrashMode mode = PowerCutFileSystem.CrashMode.DROP_UNSYNCED;
    private TableOfContents toc;
    private SnapshotService snaps;
    /** Acknowledged snapshots, with the collection's points when each was taken. */
    private final List<Saved> saved = new ArrayList<>();

    private int gen;
    private final List<String> cuts = new ArrayList<>();
    /** Acknowledged state: collection → id → point. */
    private Map<String, Map<PointId, Pt>> model = new TreeMap<>();

    @Test
    void createdCollectionsAndTheirPointsSurviveAndDeletedOnesStayDeleted() throws IOException {
        int target = Integer.getInteger("powercut.collection.crashes", DEFAULT_CRASHES);
        seed = Long.getLong("powercut.seed", System.nanoTime());
        r = new Random(seed);
        base = ScratchDirectories.create(tmp, "sextant-collection-powercut-");
        Path real = Files.createDirectories(base.resolve("gen0"));
        mode = r.nextBoolean() ? PowerCutFileSystem.CrashMode.DROP_UNSYNCED : PowerCutFileSystem.CrashMode.TORN;
        fs = PowerCutFileSystem.create(real, mode, seed);
        Object inFlight = null;
        int crashes = 0;
        int verified = 0;
        int acked = 0;
        while (crashes < target && failures.size() < 20) {
            fs.cutAtMutation(fs.mutations() + 1 + r.nextInt(r.nextBoolean() ? 60 : 600));
            boolean opened = false;
            try {
                toc = TableOfContents.open(fs.root(), CollectionPowerCutTest::openShardWithoutOptimizerThread);
                if (fs.isCut()) { // the cut struck a collection's open: it is listed as failed, not thrown
                    throw new IllegalStateException("power cut during open");
                }
                noFailedCollections();
                snaps = snapshotService();
                opened = true;
                if (gen > 0) {
                    verify(inFlight);
                    verified++;
                }
                inFlight = null;
                while (true) {
                    Object op = nextOperation();
                    inFlight = op;
                    apply(op);
                    inFlight = null;
                    acked++;
                }
            } catch (RuntimeException e) {
                if (!fs.isCut()) {
                    throw new AssertionError(
                            where() + (opened ? ": operation " + inFlight + " failed" : ": no open"), e);
                }
            }
            crash();
            crashes++;
        }
        toc = TableOfContents.open(fs.root(), CollectionPowerCutTest::openShardWithoutOptimizerThread);
        noFailedCollections();
        verify(inFlight);
        toc.close();
        fs.close();
        ScratchDirectories.deleteTree(base);
        System.out.printf(
                "collection power-cut test: seed %d, %d crashes, %d reopens verified, %d acknowledged operations%n",
                seed, crashes, verified + 1, acked);
        assertThat(failures).as("seed %d", seed).isEmpty();
        assertThat(acked).isGreaterThan(crashes);
    }

    /**
     * A collection of two shards, created and written (both acknowledged), then a cut: the
     * storage's {@code collections} directory, the collection's shard directories and their WALs
     * must all be durable entries by then.
     */
    @Test
    void collectionCreatedAndWrittenSurvivesACutRightAfter() throws IOException {
        base = ScratchDirectories.create(tmp, "sextant-collection-powercut-");
        fs = PowerCutFileSystem.create(
                Files.createDirectories(base.resolve("gen0")), PowerCutFileSystem.CrashMode.DROP_UNSYNCED, 1);
        seed = 1;
        r = new Random(seed);
        toc = TableOfContents.open(fs.root(), CollectionPowerCutTest::openShardWithoutOptimizerThread);
        apply(new Create("c0", 2));
        List<PointOperation.PointStruct> pts = new ArrayList<>();
        for (int i = 0; i < 6; i++) { // ids 0..5 land in both shards
            pts.add(new PointOperation.PointStruct(PointId.of(i), Map.of("", new float[] {i, 1, 2}), payload()));
        }
        apply(new Points("c0", new PointOperation.Upsert(pts)));
        fs.cutNow();
        crash();
        toc = TableOfContents.open(fs.root(), CollectionPowerCutTest::openShardWithoutOptimizerThread);
        verify(null);
        toc.close();
        fs.close();
        ScratchDirectories.deleteTree(base);
        assertThat(failures).isEmpty();
        assertThat(model.get("c0")).as("the collection and its points").hasSize(6);
    }

    /** LocalShard without its background optimizer thread, so that every mutation is on this thread. */
    private static Shard openShardWithoutOptimizerThread(Path dir, ShardConfig config) {
        try {
            Method open = LocalShard.class.getDeclaredMethod("open", Path.class, ShardConfig.class, boolean.class);
            open.setAccessible(true);
            return (Shard) open.invoke(null, dir, config, false);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("LocalShard.open failed", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("LocalShard.open(Path, ShardConfig, boolean) is gone", e);
        }
    }

    private SnapshotService snapshotService() {
        Path root = fs.root().resolve("snapshots");
        return new SnapshotService(toc, new LocalSnapshotStore(root), root, false, Clock.systemUTC());
    }

    private String where() {
        return "seed " + seed + " (" + mode + "), image " + gen + " after the power cut(s) "
                + String.join(", then ", cuts);
    }

    private void crash() throws IOException {
        try {
            toc.close(); // fails fast on the dead file system; releases descriptors
        } catch (RuntimeException ignored) {
            // expected after the cut
        }
        toc = null;
        cuts.add(fs.cutDescription());
        Path next = base.resolve("gen" + (gen + 1));
        fs.materialize(next);
        fs.close();
        ScratchDirectories.deleteTree(base.resolve("gen" + gen));
        gen++;
        fs = PowerCutFileSystem.create(next, mode, seed + gen);
    }

    // ------------------------------------------------------------------ operations

    private record Create(String name, int shards) {}

    private record Drop(String name) {}

    private record Points(String collection, PointOperation op) {}

    private record Snapshot(String name) {}

    private record Restore(Saved from) {}

    private record Saved(String collection, String snapshot, Map<PointId, Pt> points) {}

    private Object nextOperation() {
        String name = NAMES.get(r.nextInt(NAMES.size()));
        if (!model.containsKey(name)) {
            return new Create(name, 1 + r.nextInt(2));
        }
        int k = r.nextInt(100);
        if (k < 6) {
            return new Drop(name);
        }
        if (k < 9 && saved.size() < MAX_SNAPSHOTS) { // each archive is MBs: the image stays small to copy
            return new Snapshot(name);
        }
        if (k < 12 && !saved.isEmpty()) {
            return new Restore(saved.get(r.nextInt(saved.size())));
        }
        List<PointId> ids = new ArrayList<>();
        for (int i = 1 + r.nextInt(4); i > 0; i--) {
            ids.add(PointId.of(r.nextInt(IDS)));
        }
        if (k < 60) {
            List<PointOperation.PointStruct> pts = new ArrayList<>();
            for (PointId id : ids) {
                pts.add(new PointOperation.PointStruct(
                        id, Map.of("", new float[] {r.nextFloat(), r.nextFloat(), r.nextFloat()}), payload()));
            }
            return new Points(name, new PointOperation.Upsert(pts));
        }
        if (k < 75) {
            return new Points(name, new PointOperation.Delete(new PointsSelector.Ids(ids)));
        }
        return new Points(name, new PointOperation.SetPayload(payload(), new PointsSelector.Ids(ids), null));
    }

    private ObjectNode payload() {
        return JsonNodeFactory.instance.objectNode().put("v", r.nextInt(1000));
    }

    private void apply(Object op) {
        switch (op) {
            case Create c -> {
                toc.create(
                        c.name(),
                        CollectionConfig.of(CollectionParams.single(VectorParams.of(3, Distance.EUCLID))
                                .withShardNumber(c.shards())));
                model.put(c.name(), new TreeMap<>());
            }
            case Drop d -> {
                toc.delete(d.name());
                model.remove(d.name());
            }
            case Points p -> {
                toc.get(p.collection()).update(p.op(), true);
                model.put(p.collection(), applied(model.get(p.collection()), p.op()));
            }
            case Snapshot sn -> {
                String file = snaps.createCollection(sn.name()).name();
                saved.add(new Saved(sn.name(), file, new TreeMap<>(model.get(sn.name()))));
            }
            case Restore rs -> {
                Saved from = rs.from();
                snaps.recoverFromStore(
                        from.collection(), SnapshotNames.collectionScope(from.collection()), from.snapshot());
                model.put(from.collection(), new TreeMap<>(from.points()));
            }
            default -> throw new IllegalArgumentException("Unknown operation " + op);
        }
    }

    private static Map<PointId, Pt> applied(Map<PointId, Pt> before, PointOperation op) {
        Map<PointId, Pt> m = new TreeMap<>(before);
        switch (op) {
            case PointOperation.Upsert u ->
                u.points()
                        .forEach(p -> m.put(
                                p.id(), new Pt(p.vectors().get(""), p.payload().deepCopy())));
            case PointOperation.Delete d ->
                ((PointsSelector.Ids) d.selector()).ids().forEach(m::remove);
            case PointOperation.SetPayload s -> {
                for (PointId id : ((PointsSelector.Ids) s.selector()).ids()) {
                    Pt old = m.get(id);
                    if (old != null) {
                        ObjectNode p = old.payload().deepCopy();
                        p.setAll(s.payload().deepCopy());
                        m.put(id, new Pt(old.vector(), p));
                    }
                }
            }
            default -> throw new IllegalArgumentException("Not in the workload: " + op);
        }
        return m;
    }

    // ------------------------------------------------------------------ verification

    /** Whether collection {@code name} holds exactly {@code points}. */
    private boolean holdsExactly(String name, Map<PointId, Pt> points) {
        List<PointId> all = new ArrayList<>();
        for (int i = 0; i < IDS; i++) {
            all.add(PointId.of(i));
        }
        List<PointRecord> recs = toc.get(name).retrieve(all, PayloadSelector.ALL, VectorSelector.ALL);
        return recs.size() == points.size()
                && recs.stream()
                        .allMatch(rec -> points.containsKey(rec.id())
                                && points.get(rec.id()).same(rec));
    }

    /** A collection that fails to load no longer fails the open: it must be caught here. */
    private void noFailedCollections() {
        for (FailedCollection f : toc.failedCollections()) {
            failures.add(where() + ": collection " + f.name() + " failed to open: " + f.error());
        }
    }

    private void verify(Object inFlight) {
        TreeSet<String> got = new TreeSet<>(toc.list());
        if (inFlight instanceof Restore rs && got.contains(rs.from().collection())) {
            String name = rs.from().collection();
            if (holdsExactly(name, rs.from().points())) {
                model.put(name, new TreeMap<>(rs.from().points())); // the restore completed before the cut
            } // else it must be the old collection, whole: checked below
            inFlight = null;
        }
        TreeSet<String> want = new TreeSet<>(model.keySet());
        if (inFlight instanceof Create c && got.contains(c.name()) && !want.contains(c.name())) {
            model.put(c.name(), new TreeMap<>()); // the creation completed before the cut
            want.add(c.name());
        }
        if (inFlight instanceof Drop d && !got.contains(d.name()) && want.contains(d.name())) {
            model.remove(d.name()); // the deletion completed before the cut
            want.remove(d.name());
        }
        if (!want.equals(got)) {
            failures.add(where() + ": collections " + got + ", expected " + want
                    + (inFlight == null ? "" : " (in flight: " + inFlight + ")"));
        }
        for (String name : want) {
            if (!got.contains(name)) {
                model.remove(name);
                continue;
            }
            Map<PointId, Pt> expected = model.get(name);
            Map<PointId, Pt> after =
                    inFlight instanceof Points p && p.collection().equals(name) ? applied(expected, p.op()) : expected;
            Map<PointId, Pt> actual = new HashMap<>();
            List<PointId> all = new ArrayList<>();
            for (int i = 0; i < IDS; i++) {
                all.add(PointId.of(i));
            }
            for (PointRecord rec : toc.get(name).retrieve(all, PayloadSelector.ALL, VectorSelector.ALL)) {
                actual.put(rec.id(), null);
                Pt before = expected.get(rec.id());
                Pt later = after.get(rec.id());
                if (before != null && before.same(rec)) {
                    actual.put(rec.id(), before);
                } else if (later != null && later.same(rec)) {
                    actual.put(rec.id(), later);
                } else {
                    failures.add(where() + ": collection " + name + " point " + rec.id() + " is " + rec.payload()
                            + " " + Arrays.toString(rec.vectors().get("")) + ", expected "
                            + (before == null ? "absent" : before.payload()));
                    actual.remove(rec.id());
                }
            }
            for (PointId id : all) {
                boolean present = actual.containsKey(id);
                if (!present && expected.containsKey(id) && after.containsKey(id)) {
                    failures.add(where() + ": collection " + name + " lost point " + id + " "
                            + expected.get(id).payload());
                }
            }
            Map<PointId, Pt> next = new TreeMap<>();
            actual.forEach((id, pt) -> next.put(id, Objects.requireNonNull(pt)));
            model.put(name, next);
        }
        cuts.clear();
    }
}
