package io.sextant.collection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sextant.collection.config.CollectionConfig;
import io.sextant.collection.config.CollectionParams;
import io.sextant.collection.config.VectorParams;
import io.sextant.segment.PointId;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.VectorSelector;
import io.sextant.shard.LocalShard;
import io.sextant.vector.Distance;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A crash (simulated by an {@link Error} thrown from the swap hook, which no cleanup path catches)
 * at every step of replacing a collection or a shard by a restored one: after reopening the
 * storage the collection is there, complete, and is either the old or the new one as the protocol
 * of {@link DirectorySwap} says; no swap leftovers remain.
 */
class CollectionSwapCrashTest {
    static final int OLD_POINTS = 10;
    static final int NEW_POINTS = 25;

    @TempDir
    Path tmp;

    /** The crash: an Error, so that no catch (RuntimeException) rolls anything back. */
    static final class SimulatedCrash extends Error {
        SimulatedCrash(DirectorySwap.Step step) {
            super("simulated crash after " + step);
        }
    }

    static CollectionConfig config(int shards) {
        return CollectionConfig.of(
                CollectionParams.single(VectorParams.of(2, Distance.DOT)).withShardNumber(shards));
    }

    static void fill(Collection c, int n, int tag) {
        List<PointOperation.PointStruct> pts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            pts.add(new PointOperation.PointStruct(
                    PointId.of(i),
                    Map.of("", new float[] {i, tag}),
                    JsonNodeFactory.instance.objectNode().put("tag", tag)));
        }
        c.update(new PointOperation.Upsert(pts), true);
    }

    /** A collection directory with {@code n} points tagged {@code tag}, prepared as a restore would. */
    Path prepared(TableOfContents toc, int shards, int n, int tag) throws IOException {
        Path other = tmp.resolve("other-" + System.nanoTime());
        try (TableOfContents src = TableOfContents.open(other, LocalShard::open)) {
            fill(src.create("src", config(shards)), n, tag);
        }
        Path work = toc.newWorkDir("restore-test");
        copyTree(other.resolve("collections/src"), work);
        return work;
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path dst = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dst);
                } else {
                    Files.copy(p, dst);
                }
            }
        }
    }

    /** Storage with collection "c" ({@value #OLD_POINTS} points tagged 1) and "other" (3 points). */
    static TableOfContents openWithOldCollection(Path storage) {
        TableOfContents toc = TableOfContents.open(storage, LocalShard::open);
        fill(toc.create("c", config(1)), OLD_POINTS, 1);
        fill(toc.create("other", config(1)), 3, 9);
        return toc;
    }

    static void crashAt(TableOfContents toc, DirectorySwap.Step at) {
        toc.swapHook = step -> {
            if (step == at) {
                throw new SimulatedCrash(step);
            }
        };
    }

    /** Reopens the storage and checks collection {@code c} holds exactly one complete version. */
    void assertAfterReopen(Path storage, int points, int tag) {
        try (TableOfContents toc = TableOfContents.open(storage, LocalShard::open)) {
            assertThat(toc.failedCollections()).isEmpty();
            Collection c = toc.get("c");
            assertThat(c.count(Filter.ALL, true)).isEqualTo(points);
            List<PointRecord> got = c.retrieve(List.of(PointId.of(3)), PayloadSelector.ALL, VectorSelector.NONE);
            assertThat(got).hasSize(1);
            assertThat(got.get(0).payload().get("tag").asInt()).isEqualTo(tag);
            assertThat(toc.list()).containsExactly("c", "other");
            assertThat(toc.get("other").count(Filter.ALL, true)).isEqualTo(3);
        }
        assertThat(storage.resolve(DirectorySwap.SWAP_DIR))
                .satisfiesAnyOf(
                        p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyDirectory());
    }

    @ParameterizedTest
    @EnumSource(
            value = DirectorySwap.Step.class,
            names = {"INTENT_WRITTEN", "NEW_STAGED", "OLD_MOVED_ASIDE", "NEW_MOVED_IN"})
    void crashDuringAnInstallLeavesTheOldOrTheNewCollection(DirectorySwap.Step step) throws IOException {
        crashDuringSwap(step, false);
    }

    /**
     * Installs a prepared collection (or its shard 0 only) over "c", crashing at {@code step}:
     * before the old directory moved aside the restore rolls back, after it rolls forward.
     */
    private void crashDuringSwap(DirectorySwap.Step step, boolean shardOnly) throws IOException {
        Path storage = tmp.resolve("storage");
        TableOfContents toc = openWithOldCollection(storage);
        Path work = prepared(toc, shardOnly ? 1 : 2, NEW_POINTS, 2);
        crashAt(toc, step);
        assertThatThrownBy(() -> {
                    if (shardOnly) {
                        toc.replaceShard("c", 0, work.resolve("shards/0"));
                    } else {
                        toc.install("c", work);
                    }
                })
                .isInstanceOf(SimulatedCrash.class);
        toc.close(); // the other collections; "c" was closed by the swap
        boolean rolledForward = step == DirectorySwap.Step.OLD_MOVED_ASIDE || step == DirectorySwap.Step.NEW_MOVED_IN;
        assertAfterReopen(storage, rolledForward ? NEW_POINTS : OLD_POINTS, rolledForward ? 2 : 1);
    }

    @ParameterizedTest
    @EnumSource(
            value = DirectorySwap.Step.class,
            names = {"REJECTED_MOVED_OUT", "OLD_MOVED_BACK"})
    void crashWhilePuttingBackTheOldCollectionAfterAFailedOpenKeepsTheOld(DirectorySwap.Step step) throws IOException {
        Path storage = tmp.resolve("storage");
        TableOfContents toc = openWithOldCollection(storage);
        Path work = prepared(toc, 1, NEW_POINTS, 2);
        // a shard manifest a power cut emptied: the new collection fails to open
        Files.write(work.resolve("shards/0/manifest.bin"), new byte[0]);
        crashAt(toc, step);
        assertThatThrownBy(() -> toc.install("c", work)).isInstanceOf(SimulatedCrash.class);
        toc.close();
        assertAfterReopen(storage, OLD_POINTS, 1);
    }

    @Test
    void failedOpenWithoutACrashPutsTheOldCollectionBack() throws IOException {
        Path storage = tmp.resolve("storage");
        try (TableOfContents toc = openWithOldCollection(storage)) {
            Path work = prepared(toc, 1, NEW_POINTS, 2);
            Files.write(work.resolve("config.json"), "{not json".getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> toc.install("c", work)).isNotInstanceOf(SimulatedCrash.class);
            assertThat(toc.get("c").count(Filter.ALL, true)).isEqualTo(OLD_POINTS);
        }
        assertAfterReopen(storage, OLD_POINTS, 1);
    }

    @ParameterizedTest
    @EnumSource(
            value = DirectorySwap.Step.class,
            names = {"INTENT_WRITTEN", "NEW_STAGED", "OLD_MOVED_ASIDE", "NEW_MOVED_IN"})
    void crashDuringAShardReplacementLeavesTheOldOrTheNewShard(DirectorySwap.Step step) throws IOException {
        crashDuringSwap(step, true);
    }
}
