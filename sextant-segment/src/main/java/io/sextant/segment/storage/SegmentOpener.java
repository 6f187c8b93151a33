package io.sextant.segment.storage;

import io.sextant.index.hnsw.IndexCorruptedException;
import io.sextant.index.hnsw.MmapHnswGraph;
import io.sextant.index.sparse.MutableSparseIndex;
import io.sextant.segment.config.MemoryPlacement;
import io.sextant.segment.config.SegmentVectors;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.segment.vectorindex.QuantizedVectors;
import io.sextant.segment.vectorindex.QuantizedVectorsFile;
import io.sextant.segment.vectorindex.SegmentGraph;
import io.sextant.segment.vectorindex.SegmentIndexBuilder;
import io.sextant.segment.vectorindex.SparseIndexFiles;
import io.sextant.segment.vectorindex.VectorIndexFiles;
import io.sextant.vector.sparse.SparseVector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.roaringbitmap.RoaringBitmap;

/**
 * Opens a {@link Segment} from its directory: reads {@code points.bin} (payloads decoded onto the
 * heap, or left in the mapping: {@link PayloadColumn}) and {@code deleted.bin}, remaps presence bits
 * for vectors created or dropped since the segment was written ({@link VectorNameChange}), opens
 * every vector store and checks it holds what {@code points.bin} promises, resolves duplicate ids
 * left by a crash between flushes, loads the vector indexes of an immutable segment and builds the
 * payload indexes. Stateless; each call works on a segment no one else sees yet.
 */
final class SegmentOpener {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Segment.class);

    private SegmentOpener() {}

    /** See {@link Segment#open(Path, SegmentVectors, Map, MemoryPlacement)}. */
    static Segment open(
            Path dir, SegmentVectors layout, Map<String, PayloadIndexSpec> schema, MemoryPlacement payloadMemory) {
        Map<String, VectorSpec> specs = layout.dense();
        Path pf = dir.resolve(PointsFile.NAME);
        if (!Files.exists(pf)) {
            throw new ServiceException("Segment " + dir + " has no " + PointsFile.NAME);
        }
        PointsFile.Content c;
        PayloadColumn column;
        int capacity;
        if (payloadMemory == MemoryPlacement.PINNED) {
            c = PointsFile.read(pf);
            capacity = Math.max(64, c.count());
            column = HeapPayloadColumn.of(c.payloads(), capacity);
        } else {
            MappedPayloadColumn.Opened o = MappedPayloadColumn.open(pf, payloadMemory);
            c = o.content();
            capacity = Math.max(64, c.count());
            column = c.immutable() ? o.column() : o.column().toHeap(capacity);
        }
        Segment s = new Segment(dir, layout, c.immutable(), capacity);
        s.payloads = column;
        // named vectors created or dropped since the segment was written: translate presence bits
        VectorNameChange change = VectorNameChange.between(c.names(), s.names);
        RoaringBitmap deleted = DeletedFile.read(dir.resolve(DeletedFile.NAME));
        int n = c.count();
        long anyPresence = 0;
        for (int i = 0; i < n; i++) {
            s.ids[i] = c.ids()[i];
            s.versions.set(i, c.versions()[i]);
            long presence = change.remap(c.presence()[i]);
            anyPresence |= presence;
            s.flags.set(i, presence | (deleted.contains(i) ? Segment.DELETED : 0));
        }
        for (String name : change.added()) { // fresh, empty files (leftovers of an older namesake go first)
            VectorNameChange.deleteFilesOf(dir, name);
            if (layout.sparse().containsKey(name)) {
                SparseVectorStorage.writeFile(dir.resolve(SparseVectorStorage.fileName(name)), 0, o -> null);
            } else {
                VectorSpec spec = specs.get(name);
                if (spec.isMulti()) {
                    MultiVectorStorage.createAppendable(dir, name, spec.size(), spec.datatype())
                            .close();
                } else {
                    MmapVectorStorage.createAppendable(
                                    dir.resolve(MmapVectorStorage.fileName(name)), spec.size(), spec.datatype())
                            .close();
                }
            }
        }
        for (String name : layout.sparse().keySet()) {
            Path sf = dir.resolve(SparseVectorStorage.fileName(name));
            SparseVectorStorage store = SparseVectorStorage.open(sf, n, !c.immutable());
            s.sparse.put(name, store);
            for (int i = 0; i < n; i++) {
                if (s.hasVector(i, name) && !store.holds(i)) {
                    throw new ServiceException(
                            "Corrupt segment " + dir + ": " + PointsFile.NAME + " has sparse vector '" + name
                                    + "' at offset " + i + " but " + sf.getFileName() + " has no record of it");
                }
            }
            if (c.immutable()) {
                s.sparseIndexes.put(
                        name,
                        SparseIndexFiles.openOrBuild(dir, name, layout.sparse().get(name), n, store::get));
            } else {
                MutableSparseIndex idx = new MutableSparseIndex();
                for (int i = 0; i < n; i++) {
                    SparseVector v = store.get(i);
                    if (v != null) {
                        idx.add(i, v);
                    }
                }
                s.sparseIndexes.put(name, idx);
            }
        }
        for (String name : specs.keySet()) {
            Path vf = dir.resolve(MmapVectorStorage.fileName(name));
            VectorSpec spec = specs.get(name);
            boolean anyHas = (anyPresence & (1L << s.names.indexOf(name))) != 0;
            // appendable, or a vector no point of this immutable segment has (created after it was
            // written): never read, opened without a count
            boolean readOnly = c.immutable() && anyHas;
            DenseVectorStore store;
            if (spec.isMulti()) {
                vf = dir.resolve(MultiVectorStorage.fileName(name));
                store = readOnly
                        ? MultiVectorStorage.openReadOnly(dir, name, spec.size(), spec.datatype(), n, spec.placement())
                        : MultiVectorStorage.openAppendable(dir, name, spec.size(), spec.datatype(), n);
            } else {
                store = readOnly
                        ? MmapVectorStorage.openReadOnly(vf, spec.size(), spec.datatype(), n, spec.placement())
                        : MmapVectorStorage.openAppendable(vf, spec.size(), spec.datatype());
            }
            s.vectors.put(name, store);
            for (int i = 0; i < n; i++) {
                if (s.hasVector(i, name) && !s.vectors.get(name).holds(i)) {
                    throw new ServiceException("Corrupt segment " + dir + ": " + PointsFile.NAME + " has vector '"
                            + name + "' at offset " + i + " but " + vf.getFileName() + " ends before it");
                }
            }
        }
        int del = 0;
        for (int i = 0; i < n; i++) {
            if ((s.flags.get(i) & Segment.DELETED) != 0) {
                del++;
            } else if (s.liveIds != null) {
                Integer prev = s.liveIds.put(s.ids[i], i);
                if (prev != null) { // duplicate after a crash between flushes: newest version wins
                    int loser = s.versions.get(prev) > s.versions.get(i) ? i : prev;
                    if (loser == i) {
                        s.liveIds.put(s.ids[i], prev);
                    }
                    s.flags.set(loser, s.flags.get(loser) | Segment.DELETED);
                    del++;
                }
            }
        }
        s.count = n;
        s.deletedCount = del;
        if (!change.identity()) { // commit the new names first: only then may the dropped files go
            s.pointsDirty = true;
            s.flush(c.persistedSeq());
            AtomicFiles.fsyncDir(dir);
        }
        VectorNameChange.sweepOrphans(dir, new java.util.HashSet<>(s.names));
        if (c.immutable()) {
            loadVectorIndexes(s, schema);
        }
        for (Map.Entry<String, PayloadIndexSpec> e : schema.entrySet()) {
            s.createIndex(e.getKey(), e.getValue());
        }
        s.payloads.afterOpen();
        return s;
    }

    /** Loads graphs and quantized codes whose files match the current parameters; drops the others. */
    private static void loadVectorIndexes(Segment s, Map<String, PayloadIndexSpec> schema) {
        for (String name : s.specs.keySet()) {
            VectorSpec spec = s.specs.get(name);
            List<Path> keep = new ArrayList<>();
            Set<String> links = SegmentIndexBuilder.linkFields(spec, schema);
            Path gf = VectorIndexFiles.graphFile(s.dir, name, spec, links);
            if (!Files.exists(gf)) { // built for another payload schema: serve it until rebuilt
                Path other = VectorIndexFiles.otherLinksGraphFile(s.dir, name, spec, gf);
                if (other != null) {
                    gf = other;
                    links = null;
                }
            }
            if (spec.hnsw().enabled() && Files.exists(gf)) {
                try {
                    MmapHnswGraph g =
                            MmapHnswGraph.open(gf, spec.hnsw().placement().residency());
                    if (g.size() != s.count) {
                        g.close();
                        throw new IndexCorruptedException(gf, "graph has " + g.size() + " nodes, segment " + s.count);
                    }
                    s.graphs.put(name, new SegmentGraph(g, links));
                    keep.add(gf);
                } catch (IOException e) {
                    LOG.warn(
                            "Dropping unusable vector index of segment {} (it will be rebuilt): {}",
                            s.dir,
                            e.getMessage());
                }
            }
            if (spec.quantization() != null) {
                Path qf = VectorIndexFiles.quantFile(s.dir, name, spec);
                if (Files.exists(qf)) {
                    try {
                        QuantizedVectors q = QuantizedVectorsFile.read(
                                qf, spec.quantization(), spec.distance(), spec.size(), spec.quantizedPlacement());
                        long expected = s.vectors.get(name) instanceof MultiVectorStorage m ? m.innerCount() : s.count;
                        if (q.count() != expected) {
                            throw new IndexCorruptedException(qf, "has " + q.count() + " codes, expected " + expected);
                        }
                        s.quantized.put(name, q);
                        keep.add(qf);
                    } catch (IOException e) {
                        LOG.warn(
                                "Dropping unusable quantized vectors of segment {} (rebuilt later): {}",
                                s.dir,
                                e.getMessage());
                    }
                }
            }
            VectorIndexFiles.deleteOthers(s.dir, name, keep);
        }
    }

    /** {@link Segment#createAppendable(Path, SegmentVectors)}: an empty appendable segment, durable on return. */
    static Segment create(Path dir, SegmentVectors layout) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ServiceException("Failed to create segment directory " + dir + ": " + e.getMessage(), e);
        }
        Segment s = new Segment(dir, layout, false, 64);
        for (String n : layout.sparse().keySet()) {
            s.sparse.put(n, SparseVectorStorage.createAppendable(dir.resolve(SparseVectorStorage.fileName(n))));
            s.sparseIndexes.put(n, new MutableSparseIndex());
        }
        for (String n : layout.dense().keySet()) {
            VectorSpec spec = layout.dense().get(n);
            s.vectors.put(
                    n,
                    spec.isMulti()
                            ? MultiVectorStorage.createAppendable(dir, n, spec.size(), spec.datatype())
                            : MmapVectorStorage.createAppendable(
                                    dir.resolve(MmapVectorStorage.fileName(n)), spec.size(), spec.datatype()));
        }
        s.pointsDirty = true;
        s.flush(0);
        AtomicFiles.fsyncDir(dir);
        AtomicFiles.fsyncDir(dir.getParent());
        return s;
    }
}
