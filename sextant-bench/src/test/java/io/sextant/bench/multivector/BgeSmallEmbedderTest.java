package io.sextant.bench.multivector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Loads the real bge-small-en-v1.5 ONNX model (a provided-scope dependency, on the test class path)
 * and checks it against an embedding the shared wordnet-bge384 data set stored: same model, same
 * text, so the vectors must agree up to that file's float16 rounding.
 */
class BgeSmallEmbedderTest {
    /** Row 0 of wordnet-bge384's base.jsonl, as that data set's template "<lemmas>: <gloss>". */
    static final String ROW0 = "finely, fine, delicately, exquisitely: in a delicate manner;"
            + " \"finely shaped features\"; \"her fine drawn body\"";

    @Test
    void reproducesTheSharedDataSetsEmbedding() throws Exception {
        Path dir = Path.of(System.getenv().getOrDefault("SEXTANT_DATASETS", "../../shared/datasets"), "wordnet-bge384");
        assumeTrue(Files.exists(dir.resolve("base.f16")), "shared data set not found at " + dir);
        assertThat(Files.readAllLines(dir.resolve("base.jsonl")).getFirst()).contains("\"id\":0,\"synset\":102463");
        float[] stored = new float[BgeSmallEmbedder.DIMENSION];
        try (InputStream in = Files.newInputStream(dir.resolve("base.f16"))) {
            ByteBuffer b = ByteBuffer.wrap(in.readNBytes(2 * stored.length)).order(ByteOrder.LITTLE_ENDIAN);
            for (int d = 0; d < stored.length; d++) {
                stored[d] = Float.float16ToFloat(b.getShort());
            }
        }
        try (BgeSmallEmbedder embedder = new BgeSmallEmbedder(1)) {
            float[] v = embedder.embed(ROW0);
            assertThat(v).hasSize(BgeSmallEmbedder.DIMENSION);
            assertThat(MaxSim.dot(v, v)).isCloseTo(1.0, within(1e-4));
            assertThat(MaxSim.dot(v, stored)).isGreaterThan(0.9995);
            float[] other = embedder.embed("a large natural stream of water");
            assertThat(MaxSim.dot(other, stored)).isLessThan(0.9);
        }
    }

    @Test
    void rejectsZeroThreads() {
        assertThatThrownBy(() -> new BgeSmallEmbedder(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
