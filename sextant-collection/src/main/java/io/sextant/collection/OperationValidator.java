package io.sextant.collection;

import io.sextant.collection.config.CollectionConfig;
import io.sextant.collection.config.VectorParams;
import io.sextant.segment.error.UserException;
import io.sextant.segment.ops.PointOperation;
import io.sextant.vector.sparse.SparseVector;
import java.util.Map;

/**
 * Checks point operations against a collection's config before they reach a shard: vector names
 * must exist and dimensions must match, with Qdrant's messages ({@code Wrong input: Vector
 * dimension error: expected dim: 4, got 3}). Stateless and thread-safe.
 */
public final class OperationValidator {
    private OperationValidator() {}

    public static void validate(CollectionConfig config, PointOperation op) {
        switch (op) {
            case PointOperation.Upsert u -> {
                for (PointOperation.PointStruct p : u.points()) {
                    if (p.id() == null) {
                        throw UserException.badRequest("Wrong input: point id is required");
                    }
                    checkVectors(config, p.vectors());
                    checkSparse(config, p.sparseVectors());
                }
            }
            case PointOperation.UpdateVectors u -> {
                for (PointOperation.PointVectors p : u.points()) {
                    if ((p.vectors() == null || p.vectors().isEmpty())
                            && p.sparseVectors().isEmpty()) {
                        throw UserException.badRequest("Wrong input: No vectors to update for point " + p.id());
                    }
                    checkVectors(config, p.vectors());
                    checkSparse(config, p.sparseVectors());
                }
            }
            case PointOperation.DeleteVectors d -> {
                for (String name : d.vectorNames()) {
                    if (config.sparseVector(name) == null) {
                        vectorParams(config, name);
                    }
                }
            }
            case PointOperation.CreateFieldIndex c -> {
                if (c.field() == null || c.field().isBlank()) {
                    throw UserException.badRequest("Wrong input: field_name must not be empty");
                }
            }
            default -> {}
        }
    }

    /** The params of vector {@code name}, or a 400 naming the missing vector. */
    public static VectorParams vectorParams(CollectionConfig config, String name) {
        VectorParams v = config.vector(name == null ? "" : name);
        if (v == null) {
            throw UserException.badRequest("Wrong input: Not existing vector name error: " + name);
        }
        return v;
    }

    /** Checks a query or stored vector against vector {@code name}'s dimension. */
    public static VectorParams checkVector(CollectionConfig config, String name, float[] vector) {
        VectorParams params = vectorParams(config, name);
        if (vector == null) {
            throw UserException.badRequest("Wrong input: vector is required");
        }
        if (!params.toSpec().validLength(vector.length)) {
            throw UserException.badRequest(
                    "Wrong input: Vector dimension error: expected dim: " + params.size() + ", got " + vector.length);
        }
        for (float x : vector) {
            if (!Float.isFinite(x)) {
                throw UserException.badRequest("Wrong input: vector contains a non-finite value " + x);
            }
        }
        return params;
    }

    private static void checkSparse(CollectionConfig config, Map<String, SparseVector> vectors) {
        for (String name : vectors.keySet()) {
            if (config.sparseVector(name) == null) {
                throw UserException.badRequest("Wrong input: Not existing vector name error: " + name);
            }
        }
    }

    private static void checkVectors(CollectionConfig config, Map<String, float[]> vectors) {
        if (vectors == null) {
            return;
        }
        for (Map.Entry<String, float[]> e : vectors.entrySet()) {
            VectorParams params = checkVector(config, e.getKey(), e.getValue());
            try {
                params.elementType().check(e.getValue());
            } catch (IllegalArgumentException bad) {
                throw UserException.badRequest("Wrong input: vector " + e.getKey() + ": " + bad.getMessage());
            }
        }
    }
}
