package io.sextant.vector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Plain-loop kernels: the reference and the fallback for the Vector-API ones. Thread-safe. */
public final class ScalarKernels implements VectorKernels {
    static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @Override
    public float dot(float[] a, float[] b) {
        checkLengths(a.length, b.length);
        float s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @Override
    public float squareDistance(float[] a, float[] b) {
        checkLengths(a.length, b.length);
        float s = 0;
        for (int i = 0; i < a.length; i++) {
            float d = a[i] - b[i];
            s += d * d;
        }
        return s;
    }

    @Override
    public float manhattan(float[] a, float[] b) {
        checkLengths(a.length, b.length);
        float s = 0;
        for (int i = 0; i < a.length; i++) {
            s += Math.abs(a[i] - b[i]);
        }
        return s;
    }

    @Override
    public float dot(float[] q, MemorySegment segment, long byteOffset) {
        float s = 0;
        for (int i = 0; i < q.length; i++) {
            s += q[i] * segment.get(LE_FLOAT, byteOffset + 4L * i);
        }
        return s;
    }

    @Override
    public float squareDistance(float[] q, MemorySegment segment, long byteOffset) {
        float s = 0;
        for (int i = 0; i < q.length; i++) {
            float d = q[i] - segment.get(LE_FLOAT, byteOffset + 4L * i);
            s += d * d;
        }
        return s;
    }

    @Override
    public float manhattan(float[] q, MemorySegment segment, long byteOffset) {
        float s = 0;
        for (int i = 0; i < q.length; i++) {
            s += Math.abs(q[i] - segment.get(LE_FLOAT, byteOffset + 4L * i));
        }
        return s;
    }

    @Override
    public String name() {
        return "scalar";
    }

    static void checkLengths(int a, int b) {
        if (a != b) {
            throw new IllegalArgumentException("Vector lengths differ: " + a + " vs " + b);
        }
    }
}
