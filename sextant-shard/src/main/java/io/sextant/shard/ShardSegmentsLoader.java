package io.sextant.shard;

import io.sextant.segment.PointId;
import io.sextant.segment.config.ShardConfig;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.storage.AtomicFiles;
import io.sextant.segment.storage.Segment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The segment half of {@link LocalShard#open}: creates a new shard's directory (an empty appendable
 * segment and a manifest, durably) or reads the manifest of an existing one, deletes segment
 * directories the manifest does not list (leftovers of an optimization a crash interrupted), opens
 * the listed segments with their deferred points, checks that the write target is appendable, and
 * resolves points stored twice (a crash between two segment flushes) by version. The WAL half
 * (open, replay) stays with the shard. Stateless.
 */
final class ShardSegmentsLoader {
    private static final Logger LOG = LoggerFactory.getLogger(ShardSegmentsLoader.class);

    private ShardSegmentsLoader() {}

    /** What {@link #load} opened. */
    record Loaded(ShardManifest manifest, List<Segment> segments, Segment target, long counter) {}

    static Loaded load(Path dir, ShardConfig config) {
        AtomicFiles.createDirectories(dir.resolve(LocalShard.SEGMENTS)); // fsyncs each directory it creates
        ShardManifest manifest;
        if (!Files.exists(dir.resolve(ShardManifest.NAME))) {
            String name = segmentName(1);
            AtomicFiles.deleteTree(dir.resolve(LocalShard.SEGMENTS).resolve(name));
            Segment.createAppendable(dir.resolve(LocalShard.SEGMENTS).resolve(name), config.segmentVectors())
                    .close();
            manifest = new ShardManifest(0, List.of(name), name, Map.of());
            manifest.write(dir);
            AtomicFiles.fsyncDir(dir);
        } else {
            manifest = ShardManifest.read(dir);
        }
        long counter = removeUnlisted(dir.resolve(LocalShard.SEGMENTS), manifest.segments());
        List<Segment> segs = new ArrayList<>();
        Segment target = null;
        for (String name : manifest.segments()) {
            Segment s = DeferredPoints.apply(
                    Segment.open(
                            dir.resolve(LocalShard.SEGMENTS).resolve(name),
                            config.segmentVectors(),
                            manifest.schema(),
                            config.payloadMemory()),
                    config);
            segs.add(s);
            if (name.equals(manifest.target())) {
                target = s;
            }
        }
        if (target == null || target.immutable()) {
            throw new ServiceException("Shard manifest in " + dir + " names no appendable write target");
        }
        resolveDuplicates(segs);
        return new Loaded(manifest, segs, target, counter);
    }

    private static long removeUnlisted(Path segDir, List<String> listed) {
        long max = 0;
        try (Stream<Path> s = Files.list(segDir)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith("seg-")) {
                    try {
                        max = Math.max(max, Long.parseLong(n.substring(4)));
                    } catch (NumberFormatException ignored) {
                        // not ours
                    }
                }
                if (!listed.contains(n)) {
                    LOG.info("Removing leftover segment directory {}", p);
                    AtomicFiles.deleteTree(p);
                }
            }
        } catch (IOException e) {
            throw new ServiceException("Failed to list " + segDir + ": " + e.getMessage(), e);
        }
        return max;
    }

    private static void resolveDuplicates(List<Segment> segs) {
        if (segs.size() < 2) {
            return;
        }
        Map<PointId, SegmentSet.Location> seen = new HashMap<>();
        for (Segment s : segs) {
            for (var it = s.liveOffsetsById(null); it.hasNext(); ) {
                int off = it.nextInt();
                SegmentSet.Location loc = new SegmentSet.Location(s, off, s.versionAt(off));
                SegmentSet.Location prev = seen.putIfAbsent(s.idAt(off), loc);
                if (prev != null) {
                    SegmentSet.Location loser = prev.version() >= loc.version() ? loc : prev;
                    loser.segment().delete(loser.offset());
                    if (loser == prev) {
                        seen.put(s.idAt(off), loc);
                    }
                }
            }
        }
    }

    static String segmentName(long n) {
        return String.format("seg-%012d", n);
    }
}
