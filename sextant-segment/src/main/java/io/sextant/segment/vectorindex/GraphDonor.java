package io.sextant.segment.vectorindex;

import io.sextant.index.hnsw.HnswGraph;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.storage.Segment;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The graph a segment written from other segments (merge, vacuum, reindex) can start its HNSW build
 * from instead of building from scratch: the graph of one source segment, with each of that
 * source's offsets mapped to its offset in the new segment ({@link
 * io.sextant.index.hnsw.HnswGraphRemapper}).
 *
 * <p>Eligible sources ({@link #find}): the source has a graph for the vector, and the vector's
 * stored form and graph parameters equal the new segment's (size, distance, datatype, multivector
 * comparator, {@code m} and {@code ef_construct}; {@code payload_m} may differ since payload links
 * are built again). Among them the one with the most graph nodes carried into the new segment is
 * taken, provided that the nodes not carried over (points deleted, or replaced by a newer version
 * from another source) are at most {@link #MAX_REMOVED_FRACTION} of its graph: beyond that the
 * repaired graph drifts from a fresh build and the repair costs most of a build anyway (Qdrant's
 * {@code healing_threshold} default). A node is carried over when the new segment holds the same
 * point id, live, with the same version and a value for the vector.
 *
 * @param source the segment whose graph is reused
 * @param graph its graph of the vector
 * @param oldToNew for each ordinal of {@code graph}, the new segment's offset, or -1
 * @param kept how many graph nodes are carried over
 * @param removed how many graph nodes are not
 */
public record GraphDonor(Segment source, HnswGraph graph, int[] oldToNew, int kept, int removed) {
    /** The largest fraction of a donor graph's nodes that may be missing from the new segment. */
    public static final double MAX_REMOVED_FRACTION = 0.3;

    /**
     * The best donor of the graph of {@code name} for {@code target} (written from {@code sources},
     * which must still be open), or null when none is eligible.
     */
    public static GraphDonor find(Segment target, String name, List<Segment> sources) {
        VectorSpec spec = target.specs().get(name);
        if (spec == null || !spec.hnsw().enabled()) {
            return null;
        }
        List<Segment> eligible = sources.stream()
                .filter(s -> compatible(s, name, spec))
                .sorted(Comparator.comparingLong(Segment::liveCount).reversed())
                .toList();
        GraphDonor best = null;
        for (Segment s : eligible) {
            if (best != null && s.liveCount() <= best.kept()) {
                break; // no later source can carry more nodes
            }
            GraphDonor d = map(target, name, s);
            if (d.kept() > 0
                    && d.removed() <= MAX_REMOVED_FRACTION * (d.kept() + d.removed())
                    && (best == null || d.kept() > best.kept())) {
                best = d;
            }
        }
        return best;
    }

    private static boolean compatible(Segment s, String name, VectorSpec want) {
        SegmentGraph g = s.graph(name);
        VectorSpec have = s.specs().get(name);
        return g != null
                && have != null
                && g.graph().size() == s.offsetLimit()
                && g.graph().maxDegree(1) == want.hnsw().m()
                && have.size() == want.size()
                && have.distance() == want.distance()
                && have.datatype() == want.datatype()
                && Objects.equals(have.multivector(), want.multivector())
                && have.hnsw().m() == want.hnsw().m()
                && have.hnsw().efConstruct() == want.hnsw().efConstruct();
    }

    private static GraphDonor map(Segment target, String name, Segment s) {
        HnswGraph g = s.graph(name).graph();
        int[] oldToNew = new int[g.size()];
        int kept = 0;
        int removed = 0;
        for (int old = 0; old < oldToNew.length; old++) {
            oldToNew[old] = -1;
            if (g.levelOf(old) < 0) {
                continue;
            }
            int nw = target.offsetOf(s.idAt(old));
            if (nw >= 0 && target.versionAt(nw) == s.versionAt(old) && target.hasVector(nw, name)) {
                oldToNew[old] = nw;
                kept++;
            } else {
                removed++;
            }
        }
        return new GraphDonor(s, g, oldToNew, kept, removed);
    }
}
