package io.sextant.segment.storage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import io.sextant.segment.config.SegmentVectors;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.error.ServiceException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Writes an immutable segment (see {@link Segment}) from live points of existing segments, as the
 * optimizers do for merge, vacuum and conversion of an appendable segment. Points are written in
 * ascending id order; when an id occurs more than once the highest version wins. Every file is
 * fsynced and the directory too before {@link #write} returns; the shard makes the new segment
 * visible afterwards by listing it in its manifest. Stateless and thread-safe; the source
 * segments may keep receiving deletions while this runs (the caller reconciles them).
 */
public final class SegmentWriter {
    private SegmentWriter() {}

    /** One source point: a live offset of a segment. */
    public record PointRef(Segment segment, int offset) {
        PointId id() {
            return segment.idAt(offset);
        }
    }

    /**
     * Writes the points in {@code refs} into the new directory {@code dir}.
     *
     * @return the number of points written
     */
    public static int write(Path dir, Map<String, VectorSpec> specs, List<PointRef> refs, long persistedSeq) {
        return write(dir, SegmentVectors.dense(specs), refs, persistedSeq);
    }

    /**
     * Writes the points in {@code refs} into the new directory {@code dir}.
     *
     * @return the number of points written
     */
    public static int write(Path dir, SegmentVectors layout, List<PointRef> refs, long persistedSeq) {
        Map<String, VectorSpec> specs = layout.dense();
        List<PointRef> sorted = new ArrayList<>(refs);
        sorted.sort(Comparator.comparing(PointRef::id)
                .thenComparing(r -> -r.segment().versionAt(r.offset())));
        List<PointRef> unique = new ArrayList<>(sorted.size());
        for (PointRef r : sorted) {
            if (unique.isEmpty() || !unique.getLast().id().equals(r.id())) {
                unique.add(r);
            }
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ServiceException("Failed to create segment directory " + dir + ": " + e.getMessage(), e);
        }
        List<String> names = layout.names();
        for (String name : layout.sparse().keySet()) {
            java.util.function.IntFunction<io.sextant.vector.sparse.SparseVector> at = i -> {
                PointRef r = unique.get(i);
                return r.segment().sparseVector(r.offset(), name);
            };
            SparseVectorStorage.writeFile(dir.resolve(SparseVectorStorage.fileName(name)), unique.size(), at);
            io.sextant.segment.vectorindex.SparseIndexFiles.write(
                    dir, name, layout.sparse().get(name), unique.size(), at);
        }
        for (String name : specs.keySet().stream().sorted().toList()) {
            List<float[]> vecs = new AbstractList<>() {
                @Override
                public float[] get(int i) {
                    PointRef r = unique.get(i);
                    return r.segment().vector(r.offset(), name);
                }

                @Override
                public int size() {
                    return unique.size();
                }
            };
            VectorSpec spec = specs.get(name);
            if (spec.isMulti()) {
                MultiVectorStorage.writeFiles(dir, name, spec.size(), spec.datatype(), vecs);
            } else {
                MmapVectorStorage.writeFile(
                        dir.resolve(MmapVectorStorage.fileName(name)), spec.size(), spec.datatype(), vecs);
            }
        }
        PointsFile.write(dir.resolve(PointsFile.NAME), persistedSeq, true, names, new PointsFile.Rows() {
            @Override
            public int count() {
                return unique.size();
            }

            @Override
            public PointId id(int offset) {
                return unique.get(offset).id();
            }

            @Override
            public long version(int offset) {
                PointRef r = unique.get(offset);
                return r.segment().versionAt(r.offset());
            }

            @Override
            public long presence(int offset) {
                PointRef r = unique.get(offset);
                long bits = 0;
                for (int i = 0; i < names.size(); i++) {
                    if (r.segment().hasVector(r.offset(), names.get(i))) {
                        bits |= 1L << i;
                    }
                }
                return bits;
            }

            @Override
            public ObjectNode payload(int offset) {
                PointRef r = unique.get(offset);
                return r.segment().payloadAt(r.offset());
            }
        });
        AtomicFiles.fsyncDir(dir);
        AtomicFiles.fsyncDir(dir.getParent());
        return unique.size();
    }
}
