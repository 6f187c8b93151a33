package io.sextant.collection.backup;

import io.sextant.collection.AtomicFiles;
import io.sextant.collection.Collection;
import io.sextant.collection.TableOfContents;
import io.sextant.collection.snapshot.SnapshotDescription;
import io.sextant.collection.snapshot.SnapshotLocations;
import io.sextant.collection.snapshot.SnapshotRestorer;
import io.sextant.collection.snapshot.SnapshotStore;
import io.sextant.segment.PointId;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.VectorSelector;
import io.sextant.shard.LocalShard;
import io.sextant.shard.ScrollRequest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * A restore drill: proves a backup by restoring it. The snapshot is fetched from its store,
 * checked against its checksum sidecar (an incremental backup: every blob against its hash), restored into a scratch node (its own {@link
 * TableOfContents} in a temporary directory, invisible to clients) and compared: the restored
 * point count must equal the count recorded in the snapshot, and a random sample of points must
 * carry the same payloads and vectors as the live source collection (when one is given; a source
 * that changed since the backup shows up as mismatches, so drills run right after the backup). The
 * time from fetch to an open, queryable collection is the recovery time. The scratch directory is
 * removed afterwards. Stateless and thread-safe.
 */
public final class RestoreDrill {
    private RestoreDrill() {}

    /**
     * @param scratch a directory that does not exist yet (removed afterwards)
     * @param source the live collection to compare a sample with, or null for counts only
     */
    public static BackupStatus.Drill run(
            SnapshotStore store,
            String scope,
            SnapshotDescription snapshot,
            String collection,
            Path scratch,
            Collection source,
            int sampleSize,
            long seed) {
        return run(
                (toc, dir) -> {
                    Path file = store.localCopy(scope, snapshot.name(), dir.resolve("download.snapshot"));
                    SnapshotLocations.verifyChecksum(file, null, snapshot.checksum());
                    return SnapshotRestorer.restoreCollection(toc, collection, file);
                },
                snapshot.name(),
                collection,
                scratch,
                source,
                sampleSize,
                seed);
    }

    /** Drills incremental backup {@code name} of {@code collection} (every blob hash-verified). */
    public static BackupStatus.Drill run(
            IncrementalBackups backups,
            String name,
            String collection,
            Path scratch,
            Collection source,
            int sampleSize,
            long seed) {
        return run(
                (toc, dir) -> backups.restore(toc, collection, collection, name),
                name,
                collection,
                scratch,
                source,
                sampleSize,
                seed);
    }

    /** Restores one backup into the scratch node. */
    private interface Restore {
        SnapshotRestorer.Restored into(TableOfContents scratchNode, Path scratchDir);
    }

    private static BackupStatus.Drill run(
            Restore restore,
            String snapshotName,
            String collection,
            Path scratch,
            Collection source,
            int sampleSize,
            long seed) {
        Instant at = Instant.now();
        long start = System.nanoTime();
        try (TableOfContents toc = TableOfContents.open(scratch.resolve("storage"), LocalShard::open)) {
            SnapshotRestorer.Restored r = restore.into(toc, scratch);
            Collection restored = toc.get(collection);
            long count = restored.count(Filter.ALL, true);
            long recoveryMillis = (System.nanoTime() - start) / 1_000_000;
            int[] compared = sample(restored, source, sampleSize, seed);
            boolean ok = count == r.expectedPoints() && compared[1] == 0;
            String error = ok
                    ? null
                    : count != r.expectedPoints()
                            ? "restored " + count + " points, snapshot recorded " + r.expectedPoints()
                            : compared[1] + " of " + compared[0] + " sampled points differ from the source";
            return new BackupStatus.Drill(
                    at, snapshotName, recoveryMillis, r.expectedPoints(), count, compared[0], compared[1], ok, error);
        } catch (RuntimeException e) {
            return new BackupStatus.Drill(
                    at, snapshotName, (System.nanoTime() - start) / 1_000_000, -1, -1, 0, 0, false, e.getMessage());
        } finally {
            AtomicFiles.deleteTree(scratch);
        }
    }

    /** @return {sampled, mismatched} */
    private static int[] sample(Collection restored, Collection source, int sampleSize, long seed) {
        List<PointRecord> candidates = new ArrayList<>();
        PointId offset = null;
        do { // bounded: at most 20 pages of 1000 ids
            var page = restored.scroll(
                    new ScrollRequest(Filter.ALL, 1000, offset, null, PayloadSelector.NONE, VectorSelector.NONE));
            candidates.addAll(page.points());
            offset = page.nextOffset();
        } while (offset != null && candidates.size() < 20_000);
        Collections.shuffle(candidates, new Random(seed));
        List<PointId> ids =
                candidates.stream().limit(sampleSize).map(PointRecord::id).toList();
        List<PointRecord> mine = restored.retrieve(ids, PayloadSelector.ALL, VectorSelector.ALL);
        for (PointRecord p : mine) {
            for (float[] v : p.vectors().values()) {
                for (float f : v) {
                    if (!Float.isFinite(f)) {
                        return new int[] {ids.size(), ids.size()};
                    }
                }
            }
        }
        if (source == null) {
            return new int[] {mine.size(), mine.size() == ids.size() ? 0 : ids.size() - mine.size()};
        }
        List<PointRecord> theirs = source.retrieve(ids, PayloadSelector.ALL, VectorSelector.ALL);
        int mismatched = Math.abs(theirs.size() - mine.size());
        for (int i = 0; i < Math.min(mine.size(), theirs.size()); i++) {
            if (!same(mine.get(i), theirs.get(i))) {
                mismatched++;
            }
        }
        return new int[] {ids.size(), mismatched};
    }

    private static boolean same(PointRecord a, PointRecord b) {
        if (!a.id().equals(b.id()) || !Objects.equals(a.payload(), b.payload())) {
            return false;
        }
        Map<String, float[]> va = a.vectors();
        Map<String, float[]> vb = b.vectors();
        if (!va.keySet().equals(vb.keySet())) {
            return false;
        }
        for (var e : va.entrySet()) {
            if (!Arrays.equals(e.getValue(), vb.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
