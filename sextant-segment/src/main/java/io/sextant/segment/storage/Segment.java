package io.sextant.segment.storage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.index.sparse.MutableSparseIndex;
import io.sextant.index.sparse.SparseIndexReader;
import io.sextant.segment.PointId;
import io.sextant.segment.config.MemoryPlacement;
import io.sextant.segment.config.SegmentVectors;
import io.sextant.segment.config.SparseVectorSpec;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.filter.PointView;
import io.sextant.segment.index.FieldIndexSet;
import io.sextant.segment.index.OffsetFilter;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.segment.vectorindex.QuantizedVectors;
import io.sextant.segment.vectorindex.SegmentGraph;
import io.sextant.segment.vectorindex.VectorIndexFiles;
import io.sextant.vector.sparse.SparseVector;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PrimitiveIterator;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLongArray;
import org.roaringbitmap.RoaringBitmap;

/**
 * A segment: id tracker (point id ↔ int offset, per-offset version), vector storage per named
 * vector, payload storage, deleted flags and payload indexes, stored in one directory.
 *
 * <p>Two kinds. An <b>appendable</b> segment receives new points: every upsert or vector change
 * appends a new offset (the previous offset is marked deleted), so vector files are append-only
 * and a crash can never leave a half-overwritten vector under a flushed offset; payload and
 * vector-presence changes happen in place and reach disk with the next {@link #flush}. An
 * <b>immutable</b> segment is written once by {@link SegmentWriter} with offsets in id order and is
 * only ever changed by deletions. A shard writes only to its one appendable "write target"; any
 * other segment (including a former write target) only receives {@link #delete}.
 *
 * <p>Directory layout: {@code points.bin} ({@link PointsFile}), {@code deleted.bin} ({@link
 * DeletedFile}, absent = nothing deleted), one {@code vectors-<hex name>.bin} per named dense vector
 * ({@link MmapVectorStorage}) and one {@code sparse-<hex name>.bin} per named sparse vector ({@link
 * SparseVectorStorage}). Dense and sparse names share one presence bit each, in sorted name order;
 * a segment written with other names (vectors created or dropped on a live collection since) opens
 * under the current ones: {@link VectorNameChange} remaps the bits, added vectors get empty files,
 * {@code points.bin} is rewritten with the new names and only then are dropped vectors' files deleted. An immutable segment may also hold, per named vector, an HNSW graph
 * file and a quantized code file ({@link VectorIndexFiles}); they are loaded at open when their
 * names match the current parameters, and a corrupt one is deleted and never served (the shard's
 * optimizer sees the missing index and rebuilds it). A graph is attached later with {@link
 * #attachGraph} by the optimizer; until then searches scan the vectors.
 *
 * <p>Payloads are a {@link PayloadColumn}: decoded trees on the heap for appendable segments and
 * for collections that keep payloads in RAM, or (immutable segments with {@code on_disk_payload})
 * the JSON in the mapped {@code points.bin}, decoded per read. Opening is {@link SegmentOpener}'s job.
 *
 * <p>Thread-safety: one writer at a time (the shard's update worker, or the optimizer under the
 * shard's update lock), any number of concurrent readers, who never block. Per-offset columns are
 * atomic arrays replaced copy-on-grow; the offset count is published (volatile) after a new
 * offset is fully written. Payload objects are never mutated after publication.
 */
public final class Segment {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Segment.class);
    static final long DELETED = 1L << 63;
    /** Maximum number of named vectors a segment supports (one presence bit each). */
    public static final int MAX_VECTORS = 63;

    final Path dir;
    final Map<String, VectorSpec> specs;
    private final Map<String, SparseVectorSpec> sparseSpecs;
    final List<String> names;
    private final boolean immutable;
    final Map<String, DenseVectorStore> vectors = new HashMap<>();
    final Map<String, SparseVectorStorage> sparse = new HashMap<>();
    final Map<String, SparseIndexReader> sparseIndexes = new ConcurrentHashMap<>();
    private final FieldIndexSet indexes = new FieldIndexSet();
    /** Appendable only: live id → offset, sorted for scrolling. */
    final ConcurrentSkipListMap<PointId, Integer> liveIds;

    final Map<String, SegmentGraph> graphs = new ConcurrentHashMap<>();
    final Map<String, QuantizedVectors> quantized = new ConcurrentHashMap<>();

    volatile PointId[] ids;
    volatile AtomicLongArray versions;
    volatile AtomicLongArray flags;
    volatile PayloadColumn payloads;
    volatile int count;
    volatile int deletedCount;
    /** {@code prevent_unoptimized}: offsets from here on are hidden from reads (not persisted). */
    private volatile int deferredFrom = Integer.MAX_VALUE;

    boolean pointsDirty;
    private boolean deletedDirty;

    Segment(Path dir, SegmentVectors layout, boolean immutable, int capacity) {
        if (layout.size() > MAX_VECTORS) {
            throw new IllegalArgumentException(
                    "A collection supports at most " + MAX_VECTORS + " named vectors, got " + layout.size());
        }
        this.dir = dir;
        this.specs = layout.dense();
        this.sparseSpecs = layout.sparse();
        this.names = layout.names();
        this.immutable = immutable;
        this.liveIds = immutable ? null : new ConcurrentSkipListMap<>();
        this.ids = new PointId[capacity];
        this.versions = new AtomicLongArray(capacity);
        this.flags = new AtomicLongArray(capacity);
        this.payloads = new HeapPayloadColumn(capacity);
    }

    /** Creates an empty appendable segment of dense vectors only. */
    public static Segment createAppendable(Path dir, Map<String, VectorSpec> specs) {
        return createAppendable(dir, SegmentVectors.dense(specs));
    }

    /** Creates an empty appendable segment in {@code dir} (created if missing), durable on return. */
    public static Segment createAppendable(Path dir, SegmentVectors layout) {
        return SegmentOpener.create(dir, layout);
    }

    /**
     * Opens a segment written earlier and builds its payload indexes for {@code schema}.
     *
     * @throws ServiceException when a file is missing, corrupt, or written for other vectors
     */
    public static Segment open(Path dir, Map<String, VectorSpec> specs, Map<String, PayloadIndexSpec> schema) {
        return open(dir, SegmentVectors.dense(specs), schema);
    }

    /**
     * Opens a segment written earlier and builds its payload indexes for {@code schema}.
     *
     * @throws ServiceException when a file is missing, corrupt, or written for other vectors
     */
    public static Segment open(Path dir, SegmentVectors layout, Map<String, PayloadIndexSpec> schema) {
        return open(dir, layout, schema, MemoryPlacement.PINNED);
    }

    /**
     * Opens a segment written earlier and builds its payload indexes for {@code schema}, holding the
     * payloads of an immutable segment as {@code payloadMemory} says: {@link MemoryPlacement#PINNED}
     * decoded on the heap, otherwise read from the mapped {@code points.bin} on each access ({@link
     * MappedPayloadColumn}). Appendable segments always keep payloads on the heap.
     *
     * @throws ServiceException when a file is missing, corrupt, or written for other vectors
     */
    public static Segment open(
            Path dir, SegmentVectors layout, Map<String, PayloadIndexSpec> schema, MemoryPlacement payloadMemory) {
        return SegmentOpener.open(dir, layout, schema, payloadMemory);
    }
    // ---------------------------------------------------------------- vector indexes

    /** The HNSW graph of {@code name} (ordinals are offsets), or null when there is none. */
    public SegmentGraph graph(String name) {
        return graphs.get(name);
    }

    /** The quantized codes of {@code name}, or null when there are none. */
    public QuantizedVectors quantized(String name) {
        return quantized.get(name);
    }

    /**
     * The contiguous float32 rows of {@code name}: immutable segments of float32 vectors only, else
     * null (score through {@link #score} or {@link #scoringVector} then).
     */
    public MemorySegment rows(String name) {
        return vectors.get(name).rows();
    }

    /**
     * Installs a freshly built graph for {@code name} (immutable segments only). The graph it
     * replaces, if any, is closed; a search still using it fails over to a scan (see the searcher).
     */
    public void attachGraph(String name, SegmentGraph graph) {
        requireImmutable();
        SegmentGraph old = graphs.put(name, graph);
        if (old != null) {
            old.close();
        }
    }

    /** Installs freshly built codes for {@code name} (immutable segments only). */
    public void attachQuantized(String name, QuantizedVectors codes) {
        requireImmutable();
        quantized.put(name, codes);
    }

    /** Drops the graph of {@code name} (for example after {@code m} became 0). */
    public void detachGraph(String name) {
        SegmentGraph old = graphs.remove(name);
        if (old != null) {
            old.close();
        }
    }

    /** Drops the codes of {@code name} (quantization switched off). */
    public void detachQuantized(String name) {
        quantized.remove(name);
    }

    private void requireImmutable() {
        if (!immutable) {
            throw new IllegalStateException("Segment " + dir + " is appendable and has no vector index");
        }
    }

    /** Live points whose {@code name} vector is in a graph. */
    public long indexedVectorCount(String name) {
        if (!graphs.containsKey(name)) {
            return 0;
        }
        long n = 0;
        int c = count;
        for (int i = 0; i < c; i++) {
            if (isLive(i) && hasVector(i, name)) {
                n++;
            }
        }
        return n;
    }

    // ---------------------------------------------------------------- reads

    public Path dir() {
        return dir;
    }

    public String name() {
        return dir.getFileName().toString();
    }

    public boolean immutable() {
        return immutable;
    }

    /** The dense vectors' specs by name. */
    public Map<String, VectorSpec> specs() {
        return specs;
    }

    /** The sparse vectors' specs by name. */
    public Map<String, SparseVectorSpec> sparseSpecs() {
        return sparseSpecs;
    }

    /** The dense and sparse vectors this segment stores. */
    public SegmentVectors layout() {
        return new SegmentVectors(specs, sparseSpecs);
    }

    /** Number of offsets in use (live and deleted). */
    public int offsetLimit() {
        return count;
    }

    public long liveCount() {
        return count - deletedCount;
    }

    public long deletedCount() {
        return deletedCount;
    }

    /**
     * Bytes of the payload storage as last flushed: the size of {@code points.bin}, which holds
     * every stored payload (live and deleted) beside each offset's id and version; 0 before the
     * first flush.
     */
    public long payloadStorageBytes() {
        try {
            return Files.size(dir.resolve(PointsFile.NAME));
        } catch (IOException e) {
            return 0;
        }
    }

    /** Approximate bytes of vector data (live and deleted). */
    public long vectorBytes() {
        long perPoint = 0;
        long multiBytes = 0;
        for (Map.Entry<String, VectorSpec> e : specs.entrySet()) {
            VectorSpec s = e.getValue();
            if (vectors.get(e.getKey()) instanceof MultiVectorStorage m) {
                multiBytes += m.innerCount() * s.size() * Float.BYTES;
            } else {
                perPoint += (long) s.size() * Float.BYTES;
            }
        }
        long sparseBytes = 0;
        for (SparseVectorStorage s : sparse.values()) {
            sparseBytes += s.storedDims() * 8;
        }
        return perPoint * count + multiBytes + sparseBytes;
    }

    /** The live offset of {@code id}, or -1. */
    public int offsetOf(PointId id) {
        if (liveIds != null) {
            Integer o = liveIds.get(id);
            return o == null ? -1 : o;
        }
        int o = Arrays.binarySearch(ids, 0, count, id);
        return o >= 0 && isLive(o) ? o : -1;
    }

    public boolean isLive(int offset) {
        return offset < count && (flags.get(offset) & DELETED) == 0;
    }

    /**
     * Qdrant's {@code prevent_unoptimized} "deferred points": offsets from {@code offset} on stay
     * stored, updatable and durable, but reads ({@link #isVisible}, {@link #compileVisible}) skip
     * them until an optimization moves them into a new segment. Only for an appendable segment; the
     * shard sets it when it creates or opens one (it is derived from the config, not persisted).
     *
     * @param offset first deferred offset, or {@link Integer#MAX_VALUE} for none
     */
    public void deferFrom(int offset) {
        if (immutable && offset != Integer.MAX_VALUE) {
            throw new IllegalStateException("Only an appendable segment defers points");
        }
        deferredFrom = Math.max(0, offset);
    }

    /** The first deferred offset, {@link Integer#MAX_VALUE} when nothing is deferred. */
    public int deferredFrom() {
        return deferredFrom;
    }

    /** Whether reads see {@code offset}: live and not deferred (see {@link #deferFrom}). */
    public boolean isVisible(int offset) {
        return offset < deferredFrom && isLive(offset);
    }

    /** Live offsets that reads do not see yet (see {@link #deferFrom}). */
    public long deferredCount() {
        int from = deferredFrom;
        int n = count;
        long c = 0;
        for (int o = from; o < n; o++) {
            if (isLive(o)) {
                c++;
            }
        }
        return c;
    }

    /** Live points that reads see: {@link #liveCount} less the deferred ones. */
    public long visibleCount() {
        return deferredFrom == Integer.MAX_VALUE ? liveCount() : liveCount() - deferredCount();
    }

    /** The visible offset of {@code id} (see {@link #isVisible}), or -1. */
    public int visibleOffsetOf(PointId id) {
        int o = offsetOf(id);
        return o >= 0 && o < deferredFrom ? o : -1;
    }

    public PointId idAt(int offset) {
        return ids[offset];
    }

    public long versionAt(int offset) {
        return versions.get(offset);
    }

    public ObjectNode payloadAt(int offset) {
        return payloads.get(offset);
    }

    /**
     * Where this segment's payloads live: {@link MemoryPlacement#PINNED} for decoded trees on the
     * heap (always so for appendable segments), else the placement of the mapped {@code points.bin}.
     */
    public MemoryPlacement payloadPlacement() {
        return payloads.placement();
    }

    /** The payload column, for tests and diagnostics. */
    PayloadColumn payloadColumn() {
        return payloads;
    }

    public boolean hasVector(int offset, String name) {
        int bit = names.indexOf(name);
        return bit >= 0 && (flags.get(offset) & (1L << bit)) != 0;
    }

    /**
     * Sets the bit of every offset in {@code candidates} that is live and has the vector {@code
     * name} in {@code bits} (a bitset of at least {@code (offsetLimit + 63) / 64} words); one pass
     * with the flag tests hoisted, for searches that test a filter many times.
     */
    public void markLiveWithVector(RoaringBitmap candidates, String name, long[] bits) {
        int bit = names.indexOf(name);
        if (bit < 0) {
            return;
        }
        long wanted = 1L << bit;
        AtomicLongArray f = flags;
        int limit = Math.min(count, bits.length << 6);
        candidates.forEach((int off) -> {
            if (off < limit) {
                long v = f.get(off);
                if ((v & DELETED) == 0 && (v & wanted) != 0) {
                    bits[off >>> 6] |= 1L << off;
                }
            }
        });
    }

    /** The named vector at {@code offset}, or null when the point has none. */
    public float[] vector(int offset, String name) {
        return hasVector(offset, name) ? vectors.get(name).get(offset) : null;
    }

    /**
     * The inverted index of sparse vector {@code name} (every stored vector, deleted offsets and
     * removed vectors included: searches filter them), or null for an unknown name. A search that
     * meets a closed index (the segment was retired meanwhile) gets an {@link IllegalStateException}.
     */
    public SparseIndexReader sparseIndex(String name) {
        return sparseIndexes.get(name);
    }

    /** How many offsets have a stored vector {@code name} (deleted and removed ones included). */
    public int storedSparseCount(String name) {
        SparseVectorStorage st = sparse.get(name);
        return st == null ? 0 : st.count();
    }

    /** The named sparse vector at {@code offset}, or null when the point has none. */
    public SparseVector sparseVector(int offset, String name) {
        return hasVector(offset, name) ? sparse.get(name).get(offset) : null;
    }

    /** All sparse vectors of the point at {@code offset}, by name. */
    public Map<String, SparseVector> sparseVectors(int offset) {
        Map<String, SparseVector> out = new TreeMap<>();
        for (String n : sparseSpecs.keySet()) {
            SparseVector v = sparseVector(offset, n);
            if (v != null) {
                out.put(n, v);
            }
        }
        return out;
    }

    /** All dense vectors of the point at {@code offset}, by name. */
    public Map<String, float[]> vectors(int offset) {
        Map<String, float[]> out = new TreeMap<>();
        for (String n : specs.keySet()) {
            float[] v = vector(offset, n);
            if (v != null) {
                out.put(n, v);
            }
        }
        return out;
    }

    /** Similarity of {@code q} to the named vector at {@code offset}; caller checks presence. */
    public float score(String name, float[] q, int offset) {
        VectorSpec spec = specs.get(name);
        return vectors.get(name).score(spec.distance(), q, offset, spec.normalizesOnScore());
    }

    /**
     * The graph-side similarity ({@link io.sextant.index.ScoreFunction}, higher is closer) of {@code
     * q} to the named vector at {@code offset}: {@code q} holds one vector, or for multivectors the
     * query's vectors (max_sim). Caller checks presence.
     */
    public float similarity(String name, io.sextant.index.ScoreFunction f, float[][] q, int offset) {
        return vectors.get(name).similarity(f, q, offset, specs.get(name).normalizesOnScore());
    }

    /** The multivector storage of {@code name}, or null when {@code name} is not a multivector. */
    public MultiVectorStorage multiVectors(String name) {
        return vectors.get(name) instanceof MultiVectorStorage m ? m : null;
    }

    /**
     * The named vector at {@code offset} as searches score it (normalized for Cosine over uint8),
     * or null when the point has none; for graph builders and quantizers.
     */
    public float[] scoringVector(int offset, String name) {
        return hasVector(offset, name)
                ? vectors.get(name).scoringVector(offset, specs.get(name).normalizesOnScore())
                : null;
    }

    /** A filter view of the point at {@code offset}. */
    public PointView view(int offset) {
        PointId id = ids[offset];
        PayloadColumn column = payloads;
        long f = flags.get(offset);
        return new PointView() {
            // decoded on first use: a filter on ids or vectors never reads a mapped payload
            private ObjectNode payload;
            private boolean read;

            @Override
            public PointId id() {
                return id;
            }

            @Override
            public ObjectNode payload() {
                if (!read) {
                    payload = column.get(offset);
                    read = true;
                }
                return payload;
            }

            @Override
            public boolean hasVector(String name) {
                int bit = names.indexOf(name);
                return bit >= 0 && (f & (1L << bit)) != 0;
            }
        };
    }

    /**
     * Compiles {@code filter} against this segment's indexes and current offsets, deferred points
     * included (for updates selecting points by filter).
     */
    public OffsetFilter compile(Filter filter) {
        return indexes.compile(filter, this::view, this::isLive, count);
    }

    /** Compiles {@code filter} for reads: deferred points never match (see {@link #deferFrom}). */
    public OffsetFilter compileVisible(Filter filter) {
        return deferredFrom == Integer.MAX_VALUE
                ? compile(filter)
                : indexes.compile(filter, this::view, this::isVisible, count);
    }

    public FieldIndexSet indexes() {
        return indexes;
    }

    /** Live offsets in ascending id order, starting at the first id >= {@code from} (null = start). */
    public PrimitiveIterator.OfInt liveOffsetsById(PointId from) {
        return LiveOffsetsById.iterator(this, from);
    }

    /** A copy of the deleted offsets. */
    public RoaringBitmap deletedOffsets() {
        RoaringBitmap bm = new RoaringBitmap();
        int n = count;
        for (int i = 0; i < n; i++) {
            if ((flags.get(i) & DELETED) != 0) {
                bm.add(i);
            }
        }
        return bm;
    }

    // ---------------------------------------------------------------- writes (single writer)

    /**
     * Appends a point at a new offset (appendable segments only). The caller marks any previous
     * offset of the same id deleted afterwards.
     *
     * @return the new offset
     */
    public int append(PointId id, long version, Map<String, float[]> vecs, ObjectNode payload) {
        return append(id, version, vecs, Map.of(), payload);
    }

    /**
     * Appends a point with dense and sparse vectors at a new offset (appendable segments only). The
     * caller marks any previous offset of the same id deleted afterwards.
     *
     * @return the new offset
     */
    public int append(
            PointId id,
            long version,
            Map<String, float[]> vecs,
            Map<String, SparseVector> sparseVecs,
            ObjectNode payload) {
        if (immutable) {
            throw new IllegalStateException("Segment " + dir + " is immutable");
        }
        int off = count;
        ensureCapacity(off + 1);
        long presence = 0;
        for (Map.Entry<String, float[]> e : vecs.entrySet()) {
            int bit = names.indexOf(e.getKey());
            if (bit < 0) {
                throw new IllegalArgumentException("Unknown vector name '" + e.getKey() + "', segment has " + names);
            }
            DenseVectorStore store = vectors.get(e.getKey());
            if (store == null) {
                throw new IllegalArgumentException("'" + e.getKey() + "' is not a dense vector");
            }
            store.put(off, e.getValue());
            presence |= 1L << bit;
        }
        for (Map.Entry<String, SparseVector> e : sparseVecs.entrySet()) {
            SparseVectorStorage store = sparse.get(e.getKey());
            if (store == null) {
                throw new IllegalArgumentException(
                        "Unknown sparse vector name '" + e.getKey() + "', segment has " + sparseSpecs.keySet());
            }
            store.put(off, e.getValue());
            ((MutableSparseIndex) sparseIndexes.get(e.getKey())).add(off, e.getValue());
            presence |= 1L << names.indexOf(e.getKey());
        }
        ids[off] = id;
        versions.set(off, version);
        flags.set(off, presence);
        heapPayloads().set(off, payload);
        indexes.update(off, payload);
        count = off + 1;
        liveIds.put(id, off);
        pointsDirty = true;
        return off;
    }

    private void ensureCapacity(int n) {
        int cap = ids.length;
        if (n <= cap) {
            return;
        }
        int newCap = Math.max(n, cap + (cap >> 1) + 16);
        AtomicLongArray v = new AtomicLongArray(newCap);
        AtomicLongArray f = new AtomicLongArray(newCap);
        HeapPayloadColumn p = heapPayloads().grown(newCap, count);
        for (int i = 0; i < count; i++) {
            v.set(i, versions.get(i));
            f.set(i, flags.get(i));
        }
        ids = Arrays.copyOf(ids, newCap);
        versions = v;
        flags = f;
        payloads = p;
    }

    /** Marks {@code offset} deleted (no-op when already deleted). */
    public void delete(int offset) {
        long f = flags.get(offset);
        if ((f & DELETED) != 0) {
            return;
        }
        flags.set(offset, f | DELETED);
        deletedCount = deletedCount + 1;
        if (liveIds != null) {
            liveIds.remove(ids[offset], offset);
        }
        indexes.update(offset, null);
        deletedDirty = true;
    }

    /** Replaces the payload of a live offset in place (appendable segments only). */
    public void setPayload(int offset, ObjectNode payload, long version) {
        requireAppendable();
        heapPayloads().set(offset, payload);
        versions.set(offset, version);
        indexes.update(offset, payload);
        pointsDirty = true;
    }

    /** Removes named vectors from a live offset in place (appendable segments only). */
    public void removeVectors(int offset, List<String> vectorNames, long version) {
        requireAppendable();
        long f = flags.get(offset);
        for (String n : vectorNames) {
            int bit = names.indexOf(n);
            if (bit >= 0) {
                f &= ~(1L << bit);
            }
        }
        flags.set(offset, f);
        versions.set(offset, version);
        pointsDirty = true;
    }

    private void requireAppendable() {
        if (immutable) {
            throw new IllegalStateException("Segment " + dir + " is immutable");
        }
    }

    /** The payload column of an appendable segment (always on the heap). */
    private HeapPayloadColumn heapPayloads() {
        return (HeapPayloadColumn) payloads;
    }

    public void createIndex(String key, PayloadIndexSpec spec) {
        indexes.create(key, spec, count, off -> isLive(off) ? payloads.get(off) : null);
    }

    public void dropIndex(String key) {
        indexes.drop(key);
    }

    /** Whether a flush would write anything. */
    public boolean dirty() {
        return pointsDirty || deletedDirty;
    }

    /**
     * Makes the current state durable: vector chunks forced, then {@code points.bin} (when changed)
     * and {@code deleted.bin} (when changed) atomically replaced. Writer only.
     */
    public void flush(long persistedSeq) {
        if (pointsDirty) {
            for (DenseVectorStore v : vectors.values()) {
                v.force();
            }
            for (SparseVectorStorage v : sparse.values()) {
                v.force();
            }
            SegmentPointsWriter.write(this, persistedSeq);
            pointsDirty = false;
        }
        if (deletedDirty) {
            DeletedFile.write(dir.resolve(DeletedFile.NAME), persistedSeq, deletedOffsets());
            deletedDirty = false;
        }
    }

    /** Releases file handles and graph mappings; vector and code mappings go when unreachable. */
    public void close() {
        for (DenseVectorStore v : vectors.values()) {
            v.close();
        }
        for (SparseVectorStorage v : sparse.values()) {
            v.close();
        }
        for (SparseIndexReader idx : sparseIndexes.values()) {
            idx.close(); // a search still in a retired segment's index falls back to a scan
        }
        for (SegmentGraph g : graphs.values()) {
            g.close();
        }
        graphs.clear();
        payloads.release();
        quantized.forEach((name, q) -> io.sextant.index.memory.PlacedFiles.release(
                q.codes(), VectorIndexFiles.quantFile(dir, name, specs.get(name))));
    }

    /**
     * Where the read-only files of dense vector {@code name} live now, by component ({@code
     * vectors}, {@code graph}, {@code quantized}); components the segment lacks are absent.
     * Immutable segments only (appendable storage is always mapped); for tests and diagnostics.
     */
    public Map<String, PlacedBytes> placedBytes(String name) {
        return SegmentFootprint.placedBytes(this, name);
    }

    /** Where the inverted index of sparse vector {@code name} lives now; null when it is not a file index. */
    public PlacedBytes sparseIndexPlacedBytes(String name) {
        return SegmentFootprint.sparseIndexPlacedBytes(this, name);
    }

    /**
     * How much of a component's file data is in RAM.
     *
     * @param bytes the component's size
     * @param resident bytes of it resident in RAM now (whole pages, mincore); -1 when unknown
     * @param mapped served from a file mapping (false: an in-memory, pinned copy)
     */
    public record PlacedBytes(long bytes, long resident, boolean mapped) {}

    /** Names of the dense vectors, sorted (the ones that get graphs and quantized codes). */
    public List<String> vectorNames() {
        return specs.keySet().stream().sorted().toList();
    }

    /** Names of the sparse vectors, sorted. */
    public List<String> sparseVectorNames() {
        return sparseSpecs.keySet().stream().sorted().toList();
    }
}
