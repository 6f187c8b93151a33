package io.sextant.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** The start-up choice of kernels and its fall-backs. The build runs tests with the incubator module. */
class KernelsProviderTest {

    @Test
    void picksPanamaWhenTheVectorModuleIsLoaded() {
        assertThat(ModuleLayer.boot().findModule("jdk.incubator.vector")).isPresent();
        assertThat(VectorKernels.get()).isInstanceOf(PanamaKernels.class);
        assertThat(VectorKernels.get().name()).startsWith("panama-");
    }

    @Test
    void scalarCanBeForced() {
        assertThat(KernelsProvider.choose("scalar", PanamaKernels::new)).isInstanceOf(ScalarKernels.class);
        assertThat(KernelsProvider.choose(" Panama ", PanamaKernels::new)).isInstanceOf(PanamaKernels.class);
    }

    @Test
    void unknownChoiceIsRejected() {
        assertThatThrownBy(() -> KernelsProvider.choose("avx9", PanamaKernels::new))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("avx9")
                .hasMessageContaining("scalar");
    }

    @Test
    void fallsBackWhenPanamaCannotLink() {
        VectorKernels k = KernelsProvider.choose("auto", () -> {
            throw new NoClassDefFoundError("jdk/incubator/vector/FloatVector");
        });
        assertThat(k).isInstanceOf(ScalarKernels.class);
        assertThat(KernelsProvider.choose("auto", () -> {
                    throw new UnsupportedOperationException("no species");
                }))
                .isInstanceOf(ScalarKernels.class);
    }

    @Test
    void fallsBackWhenTheProbeGivesAWrongAnswer() {
        VectorKernels broken = new VectorKernels() {
            final ScalarKernels s = new ScalarKernels();

            @Override
            public float dot(float[] a, float[] b) {
                return s.dot(a, b);
            }

            @Override
            public float squareDistance(float[] a, float[] b) {
                return s.squareDistance(a, b) + 1; // wrong
            }

            @Override
            public float manhattan(float[] a, float[] b) {
                return s.manhattan(a, b);
            }

            @Override
            public float dot(float[] q, MemorySegment segment, long byteOffset) {
                return s.dot(q, segment, byteOffset);
            }

            @Override
            public float squareDistance(float[] q, MemorySegment segment, long byteOffset) {
                return s.squareDistance(q, segment, byteOffset);
            }

            @Override
            public float manhattan(float[] q, MemorySegment segment, long byteOffset) {
                return s.manhattan(q, segment, byteOffset);
            }

            @Override
            public String name() {
                return "broken";
            }
        };
        assertThat(KernelsProvider.choose("auto", () -> broken)).isInstanceOf(ScalarKernels.class);
    }
}
