package io.sextant.server.issues;

import io.sextant.collection.Collection;
import io.sextant.collection.TableOfContents;
import io.sextant.collection.query.QueryRequest;
import io.sextant.collection.strict.FilterChecks;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.index.PayloadIndexSpec;
import java.lang.ref.WeakReference;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Qdrant's issue dashboard ({@code GET /issues}) for its one collection-level finding: a payload
 * key used in a filter that no payload index can serve, on a collection that has points ({@code
 * UNINDEXED_FIELD/<collection>/<key>}). Request handlers call {@link #afterFiltered} once a filtered
 * search, scroll or count has been answered; a key already on the board costs one map look-up.
 * Issues are solved lazily when listed: an issue whose key now has a payload index (of any type, as
 * Qdrant solves it on index creation) or whose collection was deleted (or replaced by a new one of
 * the same name) is dropped. The board holds at most {@link #MAX_ISSUES} issues; new findings are
 * ignored while it is full. Thread-safe.
 */
public final class IssueBoard {

    /** Most issues held at once. */
    public static final int MAX_ISSUES = 1024;

    /** Qdrant proposes no {@code uuid} index for an unindexed field (it is an "advanced" type). */
    private static final String UUID_SCHEMA = "uuid";

    /**
     * An unindexed field: {@code schemas} are the index types that would serve its conditions, each a
     * solution ({@code PUT /collections/{collection}/index}).
     */
    public record UnindexedField(String collection, String key, Set<String> schemas, Instant timestamp) {

        public String id() {
            return "UNINDEXED_FIELD/" + collection + "/" + key;
        }
    }

    private record Entry(UnindexedField issue, WeakReference<Collection> owner) {}

    private final TableOfContents toc;
    private final ConcurrentHashMap<String, Entry> issues = new ConcurrentHashMap<>();

    public IssueBoard(TableOfContents toc) {
        this.toc = toc;
    }

    /** Records the unindexed keys of a query's filters (its prefetches' included) on {@code c}. */
    public void afterQuery(Collection c, QueryRequest q) {
        List<Filter> filters = new ArrayList<>();
        collectFilters(q, filters);
        afterFiltered(c, filters);
    }

    /** Records the unindexed keys of a batch of queries on {@code c}. */
    public void afterQueries(Collection c, List<QueryRequest> batch) {
        List<Filter> filters = new ArrayList<>();
        batch.forEach(q -> collectFilters(q, filters));
        afterFiltered(c, filters);
    }

    private static void collectFilters(QueryRequest q, List<Filter> out) {
        if (q.filter() != null && q.filter() != Filter.ALL) {
            out.add(q.filter());
        }
        q.prefetch().forEach(p -> collectFilters(p, out));
    }

    /**
     * Records the keys of {@code filters} (nulls allowed) that no payload index of {@code c} serves,
     * when {@code c} has points. Never throws: a failure here must not fail the answered request.
     */
    public void afterFiltered(Collection c, List<Filter> filters) {
        try {
            record(c, filters);
        } catch (RuntimeException e) {
            // the board is advisory; a collection closed meanwhile or similar is ignored
        }
    }

    private void record(Collection c, List<Filter> filters) {
        if (filters.isEmpty()) {
            return;
        }
        Map<String, PayloadIndexSpec> schema = c.payloadSchema();
        List<UnindexedField> found = new ArrayList<>();
        for (Filter f : filters) {
            if (f == null) {
                continue;
            }
            for (FilterChecks.UnindexedKey u : FilterChecks.unindexedKeys(f, schema)) {
                Set<String> schemas = new TreeSet<>(u.schemas());
                schemas.remove(UUID_SCHEMA);
                UnindexedField issue = new UnindexedField(c.name(), u.key(), schemas, Instant.now());
                if (!schemas.isEmpty() && !issues.containsKey(issue.id())) {
                    found.add(issue);
                }
            }
        }
        if (found.isEmpty() || c.count(Filter.ALL, false) == 0) {
            return;
        }
        for (UnindexedField issue : found) {
            if (issues.size() >= MAX_ISSUES) {
                return;
            }
            issues.putIfAbsent(issue.id(), new Entry(issue, new WeakReference<>(c)));
        }
    }

    /** The open issues, oldest first; solved ones are dropped on the way. */
    public List<UnindexedField> current() {
        List<UnindexedField> out = new ArrayList<>();
        for (Map.Entry<String, Entry> e : issues.entrySet()) {
            if (solved(e.getValue())) {
                issues.remove(e.getKey(), e.getValue());
            } else {
                out.add(e.getValue().issue());
            }
        }
        out.sort(Comparator.comparing(UnindexedField::timestamp).thenComparing(UnindexedField::id));
        return out;
    }

    private boolean solved(Entry e) {
        String name = e.issue().collection();
        Collection live;
        try {
            live = toc.get(name);
        } catch (RuntimeException ex) {
            live = null;
        }
        if (live == null || live != e.owner().get()) {
            return true;
        }
        try {
            return live.shards()
                    .getFirst()
                    .payloadSchema()
                    .containsKey(e.issue().key());
        } catch (RuntimeException ex) {
            return true;
        }
    }

    /**
     * A collection whose live recall ({@code io.sextant.collection.quality.LiveRecall}) is under the
     * threshold for one of its vectors. Computed when listed, so it disappears once the rolling
     * recall recovers; {@code DELETE /issues} cannot clear it.
     */
    public record LowRecall(String collection, String vector, double recall, int samples, double threshold) {
        public String id() {
            return "LOW_RECALL/" + collection + "/" + vector;
        }
    }

    /** The collections with low live recall now, by name and vector. */
    public List<LowRecall> lowRecall() {
        List<LowRecall> out = new ArrayList<>();
        for (String name : toc.list()) {
            try {
                Collection c = toc.get(name);
                var settings = c.liveRecall().settings();
                c.liveRecall().readings().forEach((vector, r) -> {
                    if (r.low(settings)) {
                        out.add(new LowRecall(name, vector, r.recall(), r.samples(), settings.threshold()));
                    }
                });
            } catch (RuntimeException e) {
                // deleted meanwhile
            }
        }
        return out;
    }

    /** Clears every issue ({@code DELETE /issues}). */
    public void clear() {
        issues.clear();
    }
}
