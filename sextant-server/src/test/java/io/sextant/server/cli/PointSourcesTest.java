package io.sextant.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PointSourcesTest {
    @TempDir
    Path dir;

    private static final ColumnMapping DEFAULTS = ColumnMapping.defaults();

    private List<ImportPoint> readAll(Path file, String format, int dim, Path payloads, ColumnMapping m)
            throws IOException {
        try (PointSource s = PointSources.open(new PointSources.Spec(file, format, dim, payloads, m))) {
            List<ImportPoint> out = new ArrayList<>();
            ImportPoint p;
            while ((p = s.next()) != null) {
                out.add(p);
            }
            assertThat(s.total()).isEqualTo(out.size());
            return out;
        }
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    @Test
    void jsonlWithDefaultMappingKeepsRemainingFieldsAsPayload() throws IOException {
        Path f = write("a.jsonl", """
                {"id": 7, "vector": [1, 2.5, -3], "color": "red", "n": 4}

                {"id": "550e8400-e29b-41d4-a716-446655440000", "vector": [0, 0, 1], "color": "blue"}
                """);
        List<ImportPoint> pts = readAll(f, null, 0, null, DEFAULTS);
        assertThat(pts).hasSize(2);
        assertThat(pts.get(0).id().asLong()).isEqualTo(7);
        assertThat(pts.get(0).vector()).containsExactly(1f, 2.5f, -3f);
        assertThat(pts.get(0).payload().toString()).isEqualTo("{\"color\":\"red\",\"n\":4}");
        assertThat(pts.get(1).id().asText()).isEqualTo("550e8400-e29b-41d4-a716-446655440000");
    }

    @Test
    void jsonlColumnMappingPicksIdVectorAndPayloadFields() throws IOException {
        Path f = write("b.jsonl", """
                {"key": 1, "emb": [0.5, 0.25], "title": "x", "skip": true}
                {"emb": [1, 1], "title": "y"}
                """);
        var m = new ColumnMapping("key", "emb", List.of(), List.of("title"));
        List<ImportPoint> pts = readAll(f, "jsonl", 0, null, m);
        assertThat(pts.get(0).id().asLong()).isEqualTo(1);
        assertThat(pts.get(0).payload().toString()).isEqualTo("{\"title\":\"x\"}");
        assertThat(pts.get(1).id().asLong()).as("missing id: record number").isEqualTo(1);
        assertThat(pts.get(1).vector()).containsExactly(1f, 1f);
    }

    @Test
    void jsonlBadInputNamesTheLine() throws IOException {
        Path missing = write("m.jsonl", "{\"id\":1,\"vector\":[1,2]}\n{\"id\":2,\"vec\":[1,2]}\n");
        assertThatThrownBy(() -> readAll(missing, null, 0, null, DEFAULTS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 2")
                .hasMessageContaining("missing vector field `vector`");
        Path wrongDim = write("d.jsonl", "{\"id\":1,\"vector\":[1,2]}\n\n{\"id\":2,\"vector\":[1,2,3]}\n");
        assertThatThrownBy(() -> readAll(wrongDim, null, 0, null, DEFAULTS))
                .hasMessageContaining("line 3")
                .hasMessageContaining("dimension 3, expected 2");
        Path badJson = write("j.jsonl", "{\"id\":1,\"vector\":[1,2]}\n{oops\n");
        assertThatThrownBy(() -> readAll(badJson, null, 0, null, DEFAULTS))
                .hasMessageContaining("line 2: not valid JSON");
        Path badElem = write("e.jsonl", "{\"id\":1,\"vector\":[1,\"a\"]}\n");
        assertThatThrownBy(() -> readAll(badElem, null, 0, null, DEFAULTS))
                .hasMessageContaining("line 1")
                .hasMessageContaining("element 1 is not a number");
    }

    @Test
    void csvWithJsonArrayVectorColumnAndTypedPayload() throws IOException {
        Path f = write(
                "a.csv",
                "id,vector,name,price,ok\n"
                        + "1,\"[1.0, 2.0]\",\"Smith, \"\"Jo\"\"\",9.5,true\n"
                        + "2,\"[3, 4]\",plain,12,\n");
        List<ImportPoint> pts = readAll(f, null, 0, null, DEFAULTS);
        assertThat(pts).hasSize(2);
        assertThat(pts.get(0).vector()).containsExactly(1f, 2f);
        assertThat(pts.get(0).payload().toString())
                .isEqualTo("{\"name\":\"Smith, \\\"Jo\\\"\",\"price\":9.5,\"ok\":true}");
        assertThat(pts.get(1).id().asLong()).isEqualTo(2);
        assertThat(pts.get(1).payload().toString()).isEqualTo("{\"name\":\"plain\",\"price\":12}");
    }

    @Test
    void csvVectorColumnsWithRangeExpansion() throws IOException {
        Path f = write("c.csv", "key,v0,v1,v2,tag\na,1,2,3,t1\nb,4,5,6,t2\n");
        var m = new ColumnMapping("key", "vector", ImportCommand.expand(List.of("v0..v2")), List.of());
        List<ImportPoint> pts = readAll(f, null, 0, null, m);
        assertThat(pts.get(1).vector()).containsExactly(4f, 5f, 6f);
        assertThat(pts.get(1).id().asText()).isEqualTo("b");
        assertThat(pts.get(1).payload().toString()).isEqualTo("{\"tag\":\"t2\"}");
        Path bad = write("d.csv", "key,v0,v1,v2,tag\na,1,x,3,t1\n");
        assertThatThrownBy(() -> readAll(bad, null, 0, null, m))
                .hasMessageContaining("line 2, column `v1`: not a number: 'x'");
        assertThatThrownBy(() -> readAll(f, null, 0, null, new ColumnMapping("id", "emb", List.of(), List.of())))
                .hasMessageContaining("no vector column `emb`");
    }

    @Test
    void fvecsAndBvecs() throws IOException {
        ByteBuffer fb = le(2 * (4 + 3 * 4));
        for (int r = 0; r < 2; r++) {
            fb.putInt(3);
            for (int i = 0; i < 3; i++) {
                fb.putFloat(r * 10 + i + 0.5f);
            }
        }
        Path fv = Files.write(dir.resolve("x.fvecs"), fb.array());
        List<ImportPoint> pts = readAll(fv, null, 0, null, DEFAULTS);
        assertThat(pts.get(1).vector()).containsExactly(10.5f, 11.5f, 12.5f);
        assertThat(pts.get(1).id().asLong()).isEqualTo(1);

        ByteBuffer bb = le(2 * (4 + 2));
        bb.putInt(2).put((byte) 1).put((byte) 255).putInt(2).put((byte) 7).put((byte) 0);
        Path bv = Files.write(dir.resolve("x.bvecs"), bb.array());
        assertThat(readAll(bv, null, 0, null, DEFAULTS).get(0).vector()).containsExactly(1f, 255f);

        ByteBuffer wrong = le(4 + 8 + 4 + 8);
        wrong.putInt(2).putFloat(1).putFloat(2).putInt(3).putFloat(1).putFloat(2);
        Path w = Files.write(dir.resolve("w.fvecs"), wrong.array());
        assertThatThrownBy(() -> readAll(w, null, 0, null, DEFAULTS))
                .hasMessageContaining("row 1: dimension 3, expected 2");
    }

    @Test
    void rawFloat16RowsWithParallelPayloadFile() throws IOException {
        ByteBuffer b = le(3 * 4 * 2);
        float[] vals = {0.5f, -1f, 2f, 0.25f, 1f, 1f, 1f, 1f, 3f, 0f, -0.5f, 8f};
        for (float v : vals) {
            b.putShort(Float.floatToFloat16(v));
        }
        Path f = Files.write(dir.resolve("base.f16"), b.array());
        Path payloads = write("base.jsonl", "{\"w\":\"a\"}\n{\"w\":\"b\"}\n{\"w\":\"c\"}\n");
        List<ImportPoint> pts = readAll(f, null, 4, payloads, DEFAULTS);
        assertThat(pts).hasSize(3);
        assertThat(pts.get(2).vector()).containsExactly(3f, 0f, -0.5f, 8f);
        assertThat(pts.get(2).id().asLong()).isEqualTo(2);
        assertThat(pts.get(2).payload().get("w").asText()).isEqualTo("c");

        assertThatThrownBy(() -> readAll(f, "f16", 5, null, DEFAULTS))
                .hasMessageContaining("not a multiple of the row size 10");
        Path shortPayloads = write("short.jsonl", "{\"w\":\"a\"}\n");
        assertThatThrownBy(() -> readAll(f, "f16", 4, shortPayloads, DEFAULTS))
                .hasMessageContaining("payload file line 2: missing");
    }

    @Test
    void rawFloat32Rows() throws IOException {
        ByteBuffer b = le(2 * 2 * 4).putFloat(1).putFloat(2).putFloat(3).putFloat(4);
        Path f = Files.write(dir.resolve("v.bin"), b.array());
        assertThat(readAll(f, "f32", 2, null, DEFAULTS).get(1).vector()).containsExactly(3f, 4f);
        assertThatThrownBy(() -> readAll(f, "f32", 0, null, DEFAULTS)).hasMessageContaining("--dim is required");
    }

    @Test
    void npyFloat32AndFloat16() throws IOException {
        Path f32 = Files.write(dir.resolve("a.npy"), npy("<f4", 2, 3, 4));
        List<ImportPoint> pts = readAll(f32, null, 0, null, DEFAULTS);
        assertThat(pts).hasSize(2);
        assertThat(pts.get(1).vector()).containsExactly(3f, 4f, 5f);
        Path f16 = Files.write(dir.resolve("b.npy"), npy("<f2", 2, 3, 2));
        assertThat(readAll(f16, null, 0, null, DEFAULTS).get(1).vector()).containsExactly(3f, 4f, 5f);
        Path f64 = Files.write(dir.resolve("c.npy"), npy("<f8", 1, 1, 8));
        assertThatThrownBy(() -> readAll(f64, null, 0, null, DEFAULTS)).hasMessageContaining("dtype <f8 not supported");
        Path bad = Files.write(dir.resolve("d.npy"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        assertThatThrownBy(() -> readAll(bad, null, 0, null, DEFAULTS)).hasMessageContaining("bad magic");
    }

    @Test
    void brokenParquetAndUnknownExtensionsAreRefusedClearly() throws IOException {
        Path p = write("x.parquet", "PAR1");
        assertThatThrownBy(() -> readAll(p, null, 0, null, DEFAULTS))
                .hasMessageContaining("not a readable Parquet file");
        Path u = write("x.txt", "");
        assertThatThrownBy(() -> readAll(u, null, 0, null, DEFAULTS)).hasMessageContaining("pass --format");
    }

    /** A .npy v1.0 file of rows x dim with values 0, 1, 2, ... (element size 2 or 4). */
    static byte[] npy(String descr, int rows, int dim, int elem) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + rows + ", " + dim + "), }";
        int unpadded = 10 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer b = le(10 + header.length() + rows * dim * elem);
        b.put((byte) 0x93)
                .put("NUMPY".getBytes(StandardCharsets.US_ASCII))
                .put((byte) 1)
                .put((byte) 0);
        b.putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < rows * dim; i++) {
            switch (elem) {
                case 2 -> b.putShort(Float.floatToFloat16(i));
                case 4 -> b.putFloat(i);
                default -> b.putDouble(i);
            }
        }
        return b.array();
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }
}
