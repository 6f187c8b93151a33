package io.sextant.collection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.segment.PointId;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.error.UserException;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.ops.PointOperation;
import io.sextant.shard.LocalShard;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One collection whose files are corrupt (as a power cut after an unsynced restore could leave
 * them) does not stop the node: the others open and serve, the bad one is reported with its error,
 * refuses requests with a clear message, keeps its name, and can be deleted or restored over.
 */
class FailedCollectionTest {
    @TempDir
    Path tmp;

    Path storage;

    @BeforeEach
    void paths() {
        storage = tmp.resolve("storage");
    }

    private void createThree() {
        try (TableOfContents toc = TableOfContents.open(storage, LocalShard::open)) {
            CollectionSwapCrashTest.fill(toc.create("a", CollectionSwapCrashTest.config(1)), 5, 1);
            CollectionSwapCrashTest.fill(toc.create("bad", CollectionSwapCrashTest.config(2)), 7, 2);
            CollectionSwapCrashTest.fill(toc.create("c", CollectionSwapCrashTest.config(1)), 9, 3);
            toc.updateAliases(List.of(new AliasOperation.Create("bad", "bad_alias")));
        }
    }

    @Test
    void anEmptiedShardManifestFailsOnlyItsCollection() throws IOException {
        createThree();
        Files.write(storage.resolve("collections/bad/shards/1/manifest.bin"), new byte[0]);

        try (TableOfContents toc = TableOfContents.open(storage, LocalShard::open)) {
            assertThat(toc.list()).containsExactly("a", "c");
            assertThat(toc.get("a").count(Filter.ALL, true)).isEqualTo(5);
            assertThat(toc.get("c").count(Filter.ALL, true)).isEqualTo(9);

            assertThat(toc.failedCollections()).singleElement().satisfies(f -> {
                assertThat(f.name()).isEqualTo("bad");
                assertThat(f.error()).contains("manifest.bin");
                assertThat(f.config().params().shardNumber()).isEqualTo(2);
                assertThat(f.info().status()).isEqualTo("red");
                assertThat(f.info().optimizerStatus())
                        .contains("failed to load")
                        .contains("manifest.bin");
            });
            assertThat(toc.failure("bad_alias")).isNotNull();
            assertThat(toc.exists("bad")).isFalse();
            assertThatThrownBy(() -> toc.get("bad"))
                    .isInstanceOf(ServiceException.class)
                    .hasMessageContaining("failed to load")
                    .hasMessageContaining("DELETE /collections/bad");
            assertThatThrownBy(() -> toc.create("bad", CollectionSwapCrashTest.config(1)))
                    .isInstanceOfSatisfying(
                            UserException.class, e -> assertThat(e.kind()).isEqualTo(UserException.Kind.CONFLICT));
            assertThat(storage.resolve("collections/bad/shards/0/manifest.bin"))
                    .as("the failed collection's files are left alone")
                    .exists();
            // the others take writes
            toc.get("a")
                    .update(
                            new PointOperation.Upsert(List.of(new PointOperation.PointStruct(
                                    PointId.of(100), Map.of("", new float[] {1, 1}), null))),
                            true);
            assertThat(toc.get("a").count(Filter.ALL, true)).isEqualTo(6);
        }
    }

    @Test
    void aFailedCollectionCanBeDeletedAndItsNameReused() throws IOException {
        createThree();
        Files.writeString(storage.resolve("collections/bad/config.json"), "{\"params\": tru", StandardCharsets.UTF_8);
        try (TableOfContents toc = TableOfContents.open(storage, LocalShard::open)) {
            FailedCollection f = toc.failure("bad");
            assertThat(f).isNotNull();
            assertThat(f.config()).as("unreadable config").isNull();
            assertThat(toc.aliases()).extracting(AliasDescription::alias).containsExactly("bad_alias");
            assertThat(toc.delete("bad_alias")).isTrue();
            assertThat(storage.resolve("collections/bad")).doesNotExist();
            assertThat(toc.failedCollections()).isEmpty();
            assertThat(toc.aliases()).isEmpty();
            toc.create("bad", CollectionSwapCrashTest.config(1));
        }
        try (TableOfContents toc = TableOfContents.open(storage, LocalShard::open)) {
            assertThat(toc.list()).containsExactly("a", "bad", "c");
            assertThat(toc.failedCollections()).isEmpty();
        }
    }

    @Test
    void aRestoreReplacesAFailedCollection() throws IOException {
        createThree();
        Files.write(storage.resolve("collections/bad/shards/0/manifest.bin"), new byte[0]);
        Path copyOfA = tmp.resolve("copy-of-a");
        CollectionSwapCrashTest.copyTree(storage.resolve("collections/a"), copyOfA);
        try (TableOfContents toc = TableOfContents.open(storage, LocalShard::open)) {
            assertThat(toc.failure("bad")).isNotNull();
            Path work = toc.newWorkDir("restore-bad");
            Files.createDirectories(work.getParent());
            Files.move(copyOfA, work);
            toc.install("bad", work);
            assertThat(toc.failedCollections()).isEmpty();
            assertThat(toc.get("bad_alias").count(Filter.ALL, true)).isEqualTo(5);
        }
    }
}
