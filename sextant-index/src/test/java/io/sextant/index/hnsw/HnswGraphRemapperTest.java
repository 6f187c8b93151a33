package io.sextant.index.hnsw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.index.ArrayScorerSupplier;
import io.sextant.vector.Distance;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A graph reused through an ordinal map (a merge): removed points leave no trace, the kept ones'
 * lists are repaired, and the points inserted afterwards give a graph as good as a fresh build.
 */
class HnswGraphRemapperTest {
    private static final long SEED = Long.getLong("remap.seed", 77_301L);
    private static final int OLD = 4_000;
    private static final int ADDED = 1_000;
    private static final int DIM = 48;

    @Test
    void reusedGraphWithRemovedPointsSearchesAsWellAsAFreshBuild() throws Exception {
        // one distribution split three ways, as the segments of one collection are
        float[][] all = SyntheticVectors.clusters(OLD + ADDED + 1_000, DIM, 1_000, SEED, true);
        float[][] old = Arrays.copyOfRange(all, 0, OLD);
        float[][] extra = Arrays.copyOfRange(all, OLD, OLD + ADDED);
        float[][] queries = Arrays.copyOfRange(all, OLD + ADDED, all.length);
        HnswConfig config = HnswConfig.defaults().withM(8).withEfConstruct(64).withMaxIndexingThreads(1);
        OnHeapHnswGraph oldGraph = new HnswGraphBuilder(new ArrayScorerSupplier(old, Distance.COSINE), config).build();

        // 15% of the old points removed, the old entry point among them; the rest shuffled in with the new ones
        SplittableRandom rnd = new SplittableRandom(SEED);
        boolean[] gone = new boolean[OLD];
        for (int i = 0; i < OLD; i++) {
            gone[i] = rnd.nextInt(100) < 15;
        }
        gone[oldGraph.entryPoint()] = true;
        int keptCount = 0;
        for (boolean g : gone) {
            keptCount += g ? 0 : 1;
        }
        int n = keptCount + ADDED;
        int[] perm = shuffled(n, rnd);
        float[][] merged = new float[n][];
        int[] oldToNew = new int[OLD];
        int next = 0;
        for (int i = 0; i < OLD; i++) {
            oldToNew[i] = gone[i] ? -1 : perm[next];
            if (!gone[i]) {
                merged[perm[next++]] = old[i];
            }
        }
        for (float[] v : extra) {
            merged[perm[next++]] = v;
        }
        ArrayScorerSupplier vectors = new ArrayScorerSupplier(merged, Distance.COSINE);

        HnswGraphRemapper.Seeded seeded = HnswGraphRemapper.seed(oldGraph, oldToNew, vectors, config, 2, () -> false);
        assertThat(seeded.keptNodes()).isEqualTo(keptCount);
        assertThat(seeded.removedNodes()).isEqualTo(OLD - keptCount);
        assertThat(seeded.repairedLists()).isPositive();
        assertThat(seeded.builder().graph().nodeCount()).isEqualTo(keptCount);
        int entry = seeded.builder().graph().entryPoint();
        assertThat(entry).isNotNegative();
        assertThat(seeded.builder().graph().levelOf(entry)).isEqualTo(maxLevelKept(oldGraph, oldToNew));
        OnHeapHnswGraph reused = seeded.builder().build(); // inserts only the new ordinals
        assertThat(reused.nodeCount()).isEqualTo(n);
        assertEveryLinkInRange(reused, n);

        OnHeapHnswGraph fresh = new HnswGraphBuilder(vectors, config).build();
        double rReused = SyntheticVectors.recall(new HnswSearcher(reused), vectors, queries, 10, 32, null);
        double rFresh = SyntheticVectors.recall(new HnswSearcher(fresh), vectors, queries, 10, 32, null);
        double selfReused = SyntheticVectors.recall(new HnswSearcher(reused), vectors, merged, 1, 64, null);
        System.out.printf(
                "recall@10 ef=32: reused %.4f, fresh %.4f; self recall reused %.4f (seed %d)%n",
                rReused, rFresh, selfReused, SEED);
        assertThat(rReused).as("seed %d", SEED).isGreaterThanOrEqualTo(rFresh - 0.01);
        assertThat(selfReused).as("every point finds itself, seed %d", SEED).isGreaterThanOrEqualTo(0.999);
    }

    @Test
    void listsWithoutRemovedNeighboursAreCopiedUnchanged() throws Exception {
        float[][] data = SyntheticVectors.clusters(600, 8, 6, SEED, false);
        HnswConfig config = HnswConfig.defaults().withM(6).withMaxIndexingThreads(1);
        OnHeapHnswGraph old = new HnswGraphBuilder(new ArrayScorerSupplier(data, Distance.EUCLID), config).build();
        int[] reverse = new int[600];
        float[][] moved = new float[600][];
        for (int i = 0; i < 600; i++) {
            reverse[i] = 599 - i;
            moved[599 - i] = data[i];
        }
        HnswGraphRemapper.Seeded seeded = HnswGraphRemapper.seed(
                old, reverse, new ArrayScorerSupplier(moved, Distance.EUCLID), config, 1, () -> false);
        assertThat(seeded.repairedLists()).isZero();
        OnHeapHnswGraph copy = seeded.builder().graph();
        assertThat(copy.entryPoint()).isEqualTo(599 - old.entryPoint());
        int[] a = new int[64];
        int[] b = new int[64];
        for (int i = 0; i < 600; i++) {
            assertThat(copy.levelOf(599 - i)).isEqualTo(old.levelOf(i));
            for (int l = 0; l <= old.levelOf(i); l++) {
                int ca = old.neighbors(l, i, a);
                int cb = copy.neighbors(l, 599 - i, b);
                int[] mapped =
                        Arrays.stream(a, 0, ca).map(x -> 599 - x).sorted().toArray();
                assertThat(Arrays.stream(b, 0, cb).sorted().toArray()).isEqualTo(mapped);
            }
        }
    }

    @Test
    void badMapsAreRejected() throws Exception {
        float[][] data = SyntheticVectors.clusters(50, 4, 2, SEED, false);
        ArrayScorerSupplier vectors = new ArrayScorerSupplier(data, Distance.EUCLID);
        HnswConfig config = HnswConfig.defaults().withMaxIndexingThreads(1);
        OnHeapHnswGraph old = new HnswGraphBuilder(vectors, config).build();
        assertThatThrownBy(() -> HnswGraphRemapper.seed(old, new int[49], vectors, config, 1, () -> false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("49");
        int[] twice = new int[50]; // every old ordinal to 0
        assertThatThrownBy(() -> HnswGraphRemapper.seed(old, twice, vectors, config, 1, () -> false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mapped to twice");
        int[] out = new int[50];
        Arrays.fill(out, -1);
        out[3] = 50;
        assertThatThrownBy(() -> HnswGraphRemapper.seed(old, out, vectors, config, 1, () -> false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside");
    }

    private static int maxLevelKept(HnswGraph g, int[] oldToNew) {
        int max = -1;
        for (int i = 0; i < oldToNew.length; i++) {
            if (oldToNew[i] >= 0) {
                max = Math.max(max, g.levelOf(i));
            }
        }
        return max;
    }

    private static void assertEveryLinkInRange(HnswGraph g, int n) {
        int[] buf = new int[256];
        for (int node = 0; node < n; node++) {
            for (int l = 0; l <= g.levelOf(node); l++) {
                int c = g.neighbors(l, node, buf);
                for (int i = 0; i < c; i++) {
                    assertThat(g.levelOf(buf[i]))
                            .as("link %d -> %d on level %d", node, buf[i], l)
                            .isGreaterThanOrEqualTo(l);
                    assertThat(buf[i]).isNotEqualTo(node);
                }
            }
        }
    }

    private static int[] shuffled(int n, SplittableRandom rnd) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
