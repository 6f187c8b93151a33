package io.sextant.cluster.replica;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.segment.ops.PointOperation;
import io.sextant.vector.sparse.SparseVector;
import java.util.Map;

/**
 * A cheap estimate of the memory a retained write holds ({@link RetainedOperations}' byte cap):
 * 4 bytes per dense vector element, 8 per sparse entry, 16 per payload value (walked) plus a fixed
 * 64 per point and 128 per operation. Not exact, only proportional. Stateless.
 */
final class OperationSize {
    private OperationSize() {}

    static long estimate(PointOperation op) {
        long size = 128;
        switch (op) {
            case PointOperation.Upsert u -> {
                for (PointOperation.PointStruct p : u.points()) {
                    size += 64 + vectors(p.vectors(), p.sparseVectors()) + json(p.payload());
                }
            }
            case PointOperation.UpdateVectors u -> {
                for (PointOperation.PointVectors p : u.points()) {
                    size += 64 + vectors(p.vectors(), p.sparseVectors());
                }
            }
            case PointOperation.SetPayload s -> size += json(s.payload());
            case PointOperation.OverwritePayload s -> size += json(s.payload());
            default -> {}
        }
        return size;
    }

    private static long vectors(Map<String, float[]> dense, Map<String, SparseVector> sparse) {
        long n = 0;
        if (dense != null) {
            for (float[] v : dense.values()) {
                n += 4L * v.length;
            }
        }
        if (sparse != null) {
            for (SparseVector v : sparse.values()) {
                n += 8L * v.indices().length;
            }
        }
        return n;
    }

    private static long json(JsonNode node) {
        if (node == null) {
            return 0;
        }
        long n = 16 + (node.isTextual() ? node.textValue().length() : 0);
        for (JsonNode child : node) {
            n += json(child);
        }
        return n + (node.isObject() ? 16L * node.size() : 0);
    }
}
