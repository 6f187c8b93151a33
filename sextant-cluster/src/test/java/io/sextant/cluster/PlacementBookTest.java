package io.sextant.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlacementBookTest {
    @TempDir
    Path storage;

    private static final ShardPlacement P = new ShardPlacement(List.of(List.of(1L, 2L), List.of(2L, 3L)));

    @Test
    void placementsSurviveReopening() {
        PlacementBook book = PlacementBook.open(storage);
        assertThat(book.get("c")).isNull();
        book.put("c", P);
        book.put("d", new ShardPlacement(List.of(List.of(3L))));
        book.retainOnly(Set.of("c"));
        PlacementBook reopened = PlacementBook.open(storage);
        assertThat(reopened.get("c")).isEqualTo(P);
        assertThat(reopened.collections()).containsExactly("c");
    }

    @Test
    void aGarbledFileIsRefusedWithItsName() throws Exception {
        PlacementBook.open(storage).put("c", P);
        Path file = storage.resolve("cluster").resolve(PlacementBook.FILE);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] = '#';
        Files.write(file, bytes);
        assertThatThrownBy(() -> PlacementBook.open(storage)).hasMessageContaining(file.toString());
    }

    @Test
    void aNewerFormatIsRefused() throws Exception {
        Path file = Files.createDirectories(storage.resolve("cluster")).resolve(PlacementBook.FILE);
        Files.writeString(file, "{\"format\":2,\"collections\":{}}", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> PlacementBook.open(storage))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("format 2")
                .hasMessageContaining("reads up to 1");
    }

    @Test
    void theApplierRecordsACreatesPlacementBeforeTheCollectionExistsAndDropsDeletedOnes() {
        PlacementBook book = PlacementBook.open(storage);
        java.util.Set<String> live = new java.util.TreeSet<>();
        java.util.List<ShardPlacement> seenAtCreate = new java.util.ArrayList<>();
        MetadataApplier collections = new MetadataApplier() {
            @Override
            public MetadataResult apply(MetadataCommand c) {
                switch (c.type()) {
                    case CREATE_COLLECTION -> {
                        seenAtCreate.add(book.get(c.collection()));
                        if (!live.add(c.collection())) {
                            return MetadataResult.failed("CONFLICT", "exists");
                        }
                    }
                    case DELETE_COLLECTION -> live.remove(c.collection());
                    default -> {}
                }
                return MetadataResult.ok(JsonNodeFactory.instance.booleanNode(true));
            }

            @Override
            public Set<String> localCollections() {
                return Set.copyOf(live);
            }

            @Override
            public Map<String, String> localAliases() {
                return Map.of();
            }
        };
        PlacementApplier applier = new PlacementApplier(collections, book);
        MetadataCommand create = MetadataCommand.of(MetadataCommand.Type.CREATE_COLLECTION, "c", null);
        applier.apply(create.with(create.body(), P));
        assertThat(seenAtCreate).containsExactly(P);
        ShardPlacement other = new ShardPlacement(List.of(List.of(9L)));
        assertThat(applier.apply(create.with(create.body(), other)).succeeded()).isFalse();
        assertThat(book.get("c"))
                .as("a conflicting create keeps the first placement")
                .isEqualTo(P);
        applier.apply(MetadataCommand.of(MetadataCommand.Type.DELETE_COLLECTION, "c", null));
        assertThat(book.get("c")).isNull();
        assertThat(PlacementBook.open(storage).collections()).isEmpty();
    }
}
