package io.sextant.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Parquet files written by pyarrow (fixtures in src/test/resources/parquet, described in the
 * README there), read back through {@link PointSources}.
 */
class ParquetPointSourceTest {
    @TempDir
    Path dir;

    private Path fixture(String name) throws IOException {
        Path out = dir.resolve(name);
        try (InputStream in = getClass().getResourceAsStream("/parquet/" + name)) {
            assertThat(in).as(name).isNotNull();
            Files.copy(in, out);
        }
        return out;
    }

    private static List<ImportPoint> readAll(Path file, ColumnMapping m) throws IOException {
        try (PointSource s = PointSources.open(new PointSources.Spec(file, null, 0, null, m))) {
            List<ImportPoint> out = new ArrayList<>();
            ImportPoint p;
            while ((p = s.next()) != null) {
                assertThat(p.vector()).hasSize(s.dimension());
                out.add(p);
            }
            assertThat(s.total()).isEqualTo(out.size());
            return out;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"snappy", "zstd", "gzip", "none"})
    void everyCodecReadsEveryRowWithPayloadTypes(String codec) throws IOException {
        List<ImportPoint> pts = readAll(fixture("points-" + codec + ".parquet"), ColumnMapping.defaults());
        assertThat(pts).hasSize(50); // three row groups of 20, 20, 10
        for (int i = 0; i < 50; i++) {
            ImportPoint p = pts.get(i);
            assertThat(p.id().asLong()).isEqualTo(i);
            assertThat(p.vector()).containsExactly(i, 1f, i % 7);
            var pl = p.payload();
            assertThat(pl.path("name").asText()).isEqualTo("n" + i);
            assertThat(pl.path("score").asDouble()).isEqualTo(i * 0.5);
            assertThat(pl.path("flag").asBoolean()).isEqualTo(i % 2 == 0);
            assertThat(pl.path("nested").path("x").asLong()).isEqualTo(i);
            assertThat(pl.path("nested").path("y").asText()).isEqualTo("s");
            assertThat(pl.path("tags").toString()).isEqualTo(i % 2 == 1 ? "[\"a\",\"b\"]" : "[]");
            if (i % 3 == 0) {
                assertThat(pl.has("maybe")).as("null is left out").isFalse();
            } else {
                assertThat(pl.path("maybe").asLong()).isEqualTo(i);
            }
            assertThat(pl.has("id")).isFalse();
            assertThat(pl.has("vector")).isFalse();
        }
    }

    @Test
    void uuidIdsFloat16FixedSizeListsAndColumnMapping() throws IOException {
        ColumnMapping m = new ColumnMapping("key", "emb", List.of(), List.of("title"));
        List<ImportPoint> pts = readAll(fixture("uuid-f16-fixed.parquet"), m);
        assertThat(pts).hasSize(6);
        assertThat(pts.get(0).id().asText()).isEqualTo("00000000-0000-0000-0000-000000000001");
        assertThat(pts.get(5).vector()).containsExactly(1f, 2f, 5f);
        assertThat(pts.get(3).payload().toString()).isEqualTo("{\"title\":\"t3\"}");
    }

    @Test
    void skipResumesAtTheRightRowAcrossRowGroups() throws IOException {
        try (PointSource s = PointSources.open(
                new PointSources.Spec(fixture("points-zstd.parquet"), null, 0, null, ColumnMapping.defaults()))) {
            s.skip(23);
            assertThat(s.next().id().asLong()).isEqualTo(23);
        }
    }

    @Test
    void raggedVectorsAndAMissingVectorColumnAreRefusedByRow() throws IOException {
        Path ragged = fixture("ragged.parquet");
        assertThatThrownBy(() -> readAll(ragged, ColumnMapping.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("row 1: vector has dimension 1, expected 2");
        Path pts = fixture("points-none.parquet");
        assertThatThrownBy(() -> readAll(pts, new ColumnMapping("id", "embedding", List.of(), List.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no column `embedding`")
                .hasMessageContaining("vector, name, score");
    }
}
