package io.sextant.collection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.collection.config.CollectionConfig;
import io.sextant.collection.config.CollectionConfigPatch;
import io.sextant.collection.config.CollectionParams;
import io.sextant.collection.config.OptimizersConfig;
import io.sextant.collection.config.VectorParams;
import io.sextant.segment.error.UserException;
import io.sextant.vector.Distance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableOfContentsTest {
    @TempDir
    Path storage;

    final InMemoryShardFactory factory = new InMemoryShardFactory();

    static CollectionConfig config(int dim) {
        return CollectionConfig.of(CollectionParams.single(VectorParams.of(dim, Distance.COSINE)));
    }

    @Test
    void createListGetDeleteAndReopen() {
        try (TableOfContents toc = TableOfContents.open(storage, factory)) {
            toc.create("b", config(4));
            toc.create(
                    "a",
                    CollectionConfig.of(CollectionParams.single(VectorParams.of(3, Distance.DOT))
                            .withShardNumber(3)));
            assertThat(toc.list()).containsExactly("a", "b");
            assertThat(toc.get("a").shards()).hasSize(3);
            assertThat(toc.exists("b")).isTrue();
            assertThat(toc.delete("b")).isTrue();
            assertThat(toc.delete("b")).isFalse();
            assertThat(Files.exists(storage.resolve("collections/b"))).isFalse();
        }
        try (TableOfContents toc = TableOfContents.open(storage, factory)) {
            assertThat(toc.list()).containsExactly("a");
            assertThat(toc.get("a").config().params().shardNumber()).isEqualTo(3);
            assertThat(toc.get("a").config().vector("").distance()).isEqualTo(Distance.DOT);
        }
    }

    @Test
    void duplicateIsConflictAndMissingIsNotFound() {
        try (TableOfContents toc = TableOfContents.open(storage, factory)) {
            toc.create("c", config(4));
            assertThatThrownBy(() -> toc.create("c", config(4)))
                    .isInstanceOf(UserException.class)
                    .satisfies(e -> assertThat(((UserException) e).kind()).isEqualTo(UserException.Kind.CONFLICT));
            assertThatThrownBy(() -> toc.get("nope"))
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("Collection `nope` doesn't exist!")
                    .satisfies(e -> assertThat(((UserException) e).kind()).isEqualTo(UserException.Kind.NOT_FOUND));
        }
    }

    @Test
    void invalidNamesAreRejected() {
        try (TableOfContents toc = TableOfContents.open(storage, factory)) {
            for (String bad : List.of("", "a/b", "a\\b", "..", "x..y", "a\u0000b", "tab\there", "x".repeat(256))) {
                assertThatThrownBy(() -> toc.create(bad, config(2)))
                        .as("name %s", bad)
                        .isInstanceOf(UserException.class);
            }
            assertThat(toc.list()).isEmpty();
            toc.create("x".repeat(255), config(2));
        }
    }

    @Test
    void unfinishedCreationIsRemovedOnOpen() throws Exception {
        Files.createDirectories(storage.resolve("collections/half/shards/0"));
        try (TableOfContents toc = TableOfContents.open(storage, factory)) {
            assertThat(toc.list()).isEmpty();
            assertThat(Files.exists(storage.resolve("collections/half"))).isFalse();
            toc.create("half", config(2));
        }
    }

    @Test
    void aliasBatchIsAtomicAndPersisted() {
        try (TableOfContents toc = TableOfContents.open(storage, factory)) {
            toc.create("c1", config(4));
            toc.create("c2", config(4));
            toc.updateAliases(List.of(new AliasOperation.Create("c1", "x"), new AliasOperation.Create("c2", "y")));
            assertThat(toc.get("x").name()).isEqualTo("c1");
            // second action fails: nothing of the batch applies
            assertThatThrownBy(() -> toc.updateAliases(
                            List.of(new AliasOperation.Rename("x", "z"), new AliasOperation.Delete("missing"))))
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("missing");
            assertThat(toc.aliases()).containsExactly(new AliasDescription("x", "c1"), new AliasDescription("y", "c2"));
            assertThatThrownBy(() -> toc.updateAliases(List.of(new AliasOperation.Create("c1", "c2"))))
                    .isInstanceOf(UserException.class)
                    .satisfies(e -> assertThat(((UserException) e).kind()).isEqualTo(UserException.Kind.CONFLICT));
            assertThatThrownBy(() -> toc.updateAliases(List.of(new AliasOperation.Create("nope", "q"))))
                    .satisfies(e -> assertThat(((UserException) e).kind()).isEqualTo(UserException.Kind.NOT_FOUND));
            assertThatThrownBy(() -> toc.create("x", config(2)))
                    .satisfies(e -> assertThat(((UserException) e).kind()).isEqualTo(UserException.Kind.CONFLICT));
            toc.updateAliases(List.of(new AliasOperation.Rename("x", "z"), new AliasOperation.Create("c1", "w")));
        }
        try (TableOfContents toc = TableOfContents.open(storage, factory)) {
            assertThat(toc.aliasesOf("c1"))
                    .containsExactly(new AliasDescription("w", "c1"), new AliasDescription("z", "c1"));
            assertThat(toc.aliasesOf("w")).hasSize(2);
            assertThat(toc.delete("c1")).isTrue();
            assertThat(toc.aliases()).containsExactly(new AliasDescription("y", "c2"));
        }
        try (TableOfContents toc = TableOfContents.open(storage, factory)) {
            assertThat(toc.aliases()).containsExactly(new AliasDescription("y", "c2"));
        }
    }

    @Test
    void patchIsPersistedAndValidated() {
        try (TableOfContents toc = TableOfContents.open(storage, factory)) {
            toc.create("p", config(4));
            toc.update(
                    "p",
                    new CollectionConfigPatch(
                            null,
                            null,
                            null,
                            new OptimizersConfig.Diff(0.5, null, null, null, null, 500L, null, null, null),
                            null,
                            false,
                            null));
            assertThatThrownBy(() -> toc.update(
                            "p",
                            new CollectionConfigPatch(
                                    java.util.Map.of("nope", new VectorParams.Diff(true, null, null, false)),
                                    null,
                                    null,
                                    null,
                                    null,
                                    false,
                                    null)))
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("Not existing vector name error: nope");
        }
        try (TableOfContents toc = TableOfContents.open(storage, factory)) {
            OptimizersConfig o = toc.get("p").config().optimizerConfig();
            assertThat(o.deletedThreshold()).isEqualTo(0.5);
            assertThat(o.indexingThreshold()).isEqualTo(500);
            assertThat(o.vacuumMinVectorNumber()).isEqualTo(1000);
        }
    }

    @Test
    void corruptAliasFileIsAServiceErrorAndTornTempIsIgnored() throws Exception {
        try (TableOfContents toc = TableOfContents.open(storage, factory)) {
            toc.create("c", config(2));
            toc.updateAliases(List.of(new AliasOperation.Create("c", "a")));
        }
        // a stale temp file from an interrupted write is ignored
        Files.writeString(storage.resolve("aliases.json.tmp"), "{garbage");
        try (TableOfContents toc = TableOfContents.open(storage, factory)) {
            assertThat(toc.get("a").name()).isEqualTo("c");
        }
        Files.writeString(storage.resolve("aliases.json"), "{\"format_version\": 1, \"aliases\": 5}");
        assertThatThrownBy(() -> TableOfContents.open(storage, factory))
                .isInstanceOf(io.sextant.segment.error.ServiceException.class)
                .hasMessageContaining("aliases");
    }
}
