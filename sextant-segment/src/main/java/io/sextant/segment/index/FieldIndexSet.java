package io.sextant.segment.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.error.UserException;
import io.sextant.segment.filter.Condition;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.filter.FilterEvaluator;
import io.sextant.segment.filter.PointView;
import io.sextant.segment.payload.JsonPaths;
import io.sextant.segment.payload.KeyPath;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;
import org.roaringbitmap.RoaringBitmap;

/**
 * The payload indexes of one segment, keyed by payload key path, held in memory (the segment
 * rebuilds them with {@link #create} when it opens; nothing here is persisted).
 *
 * <p>Thread-safety: one writer, many concurrent readers. The mutators ({@link #create}, {@link
 * #drop}, {@link #update}) must be called by one thread at a time (the segment's writer); readers
 * ({@link #specs}, {@link #pointsWithValue}, {@link #compile}) may run concurrently with them. A
 * {@link ReentrantReadWriteLock} guards the index structures: mutators take the write lock only
 * to apply an already computed change ({@code create} builds the new index before taking it);
 * {@code compile} takes the read lock only to copy the posting lists it needs, then releases it
 * before it calls back into the storage ({@code pointAt}, {@code isLive}), so no lock is held
 * across layers. A compiled {@link OffsetFilter} owns its bitmaps and never sees later updates.
 */
public final class FieldIndexSet {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, FieldIndex> indexes = new HashMap<>();

    public FieldIndexSet() {}

    /** (Re)build the index on {@code key} from the payloads of offsets [0, offsetLimit) (null payload = none). */
    public void create(String key, PayloadIndexSpec spec, int offsetLimit, IntFunction<ObjectNode> payloadAt) {
        try {
            KeyPath.parse(key);
        } catch (IllegalArgumentException e) {
            throw UserException.badRequest("Bad field name for a payload index: " + e.getMessage());
        }
        FieldIndex index = FieldIndex.create(spec);
        for (int offset = 0; offset < offsetLimit; offset++) {
            ObjectNode payload = payloadAt.apply(offset);
            if (payload != null) {
                index.update(offset, JsonPaths.values(payload, key));
            }
        }
        lock.writeLock().lock();
        try {
            indexes.put(key, index);
        } finally {
            lock.writeLock().unlock();
        }
    }

    public void drop(String key) {
        lock.writeLock().lock();
        try {
            indexes.remove(key);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** The indexed keys and their specs, sorted by key; a snapshot. */
    public Map<String, PayloadIndexSpec> specs() {
        lock.readLock().lock();
        try {
            Map<String, PayloadIndexSpec> out = new TreeMap<>();
            indexes.forEach((k, idx) -> out.put(k, idx.spec));
            return Collections.unmodifiableMap(out);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The point at {@code offset} now has {@code payload} (null = no payload / deleted): replace its indexed values. */
    public void update(int offset, ObjectNode payload) {
        if (offset < 0) {
            throw new IllegalArgumentException("Offset must be >= 0, got " + offset);
        }
        List<String> keys;
        lock.readLock().lock();
        try {
            keys = new ArrayList<>(indexes.keySet());
        } finally {
            lock.readLock().unlock();
        }
        Map<String, List<JsonNode>> values = new HashMap<>();
        for (String key : keys) {
            values.put(key, payload == null ? List.of() : JsonPaths.values(payload, key));
        }
        lock.writeLock().lock();
        try {
            values.forEach((key, v) -> {
                FieldIndex index = indexes.get(key);
                if (index != null) {
                    index.update(offset, v);
                }
            });
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Copies of the posting lists (one per distinct value) of {@code key} when it has a keyword,
     * integer or uuid index, else an empty list: the point groups that get payload sub-graph links
     * in the vector index (Qdrant's {@code payload_m}).
     */
    public List<RoaringBitmap> valueGroups(String key) {
        lock.readLock().lock();
        try {
            FieldIndex index = indexes.get(key);
            if (index instanceof ValueFieldIndex<?> v
                    && (index.spec.type() == PayloadSchemaType.KEYWORD
                            || index.spec.type() == PayloadSchemaType.INTEGER
                            || index.spec.type() == PayloadSchemaType.UUID)) {
                return v.postingCopies();
            }
            return List.of();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Number of offsets with at least one value indexed under {@code key}; 0 when {@code key} is not indexed. */
    public long pointsWithValue(String key) {
        lock.readLock().lock();
        try {
            FieldIndex index = indexes.get(key);
            return index == null ? 0 : index.withValues.getLongCardinality();
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Compile a filter for this segment: indexed conditions via posting lists, the rest evaluated
     * on {@link PointView}. {@code isLive} tells which offsets below {@code offsetLimit} hold live
     * points; the result only ever reports live offsets. Throws {@link UserException} for an
     * invalid filter ({@code has_id} inside {@code nested}).
     */
    public OffsetFilter compile(Filter filter, IntFunction<PointView> pointAt, IntPredicate isLive, int offsetLimit) {
        validate(filter);
        Map<Condition, IndexAnswer> answers = new IdentityHashMap<>();
        lock.readLock().lock();
        try {
            if (!indexes.isEmpty()) {
                collectAnswers(filter, answers);
            }
        } finally {
            lock.readLock().unlock();
        }
        return new OffsetFilterCompiler(answers, pointAt, isLive, offsetLimit).compile(filter);
    }

    /** What an index said about one condition: matches (null = cannot answer), foreign offsets, value count. */
    record IndexAnswer(
            org.roaringbitmap.RoaringBitmap matched, org.roaringbitmap.RoaringBitmap foreign, long withValues) {}

    private void collectAnswers(Filter f, Map<Condition, IndexAnswer> out) {
        List<Condition> all = new ArrayList<>(f.must());
        all.addAll(f.should());
        all.addAll(f.mustNot());
        if (f.minShould() != null) {
            all.addAll(f.minShould().conditions());
        }
        for (Condition c : all) {
            if (c instanceof Condition.FilterCondition fc) {
                collectAnswers(fc.filter(), out);
                continue;
            }
            String key = fieldKey(c);
            FieldIndex index = key == null ? null : indexes.get(key);
            if (index != null) {
                out.put(
                        c,
                        new IndexAnswer(index.answer(c), index.foreign.clone(), index.withValues.getLongCardinality()));
            }
        }
    }

    /** The payload key a value condition reads, or null for conditions that are not about one key's values. */
    static String fieldKey(Condition c) {
        return switch (c) {
            case Condition.MatchCondition m -> m.key();
            case Condition.RangeCondition r -> r.key();
            case Condition.GeoBoundingBoxCondition g -> g.key();
            case Condition.GeoRadiusCondition g -> g.key();
            case Condition.GeoPolygonCondition g -> g.key();
            default -> null;
        };
    }

    private static void validate(Filter f) {
        List<Condition> all = new ArrayList<>(f.must());
        all.addAll(f.should());
        all.addAll(f.mustNot());
        if (f.minShould() != null) {
            all.addAll(f.minShould().conditions());
        }
        for (Condition c : all) {
            switch (c) {
                case Condition.FilterCondition fc -> validate(fc.filter());
                case Condition.NestedCondition n -> FilterEvaluator.validateNested(n.filter());
                default -> {}
            }
        }
    }
}
