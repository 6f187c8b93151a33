package io.sextant.collection.config;

import io.sextant.segment.error.UserException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The config a collection gets when a named vector is created or dropped on it ({@code PUT/DELETE
 * /collections/{c}/vectors/{name}}), with Qdrant v1.19's rules: creating a vector that exists with
 * the same schema (size, distance, multivector and datatype; sparse: modifier and datatype) changes
 * nothing and succeeds; with another schema, or as the other kind (dense vs sparse), it is a bad
 * request. Dropping a vector the collection does not have changes nothing. A collection created
 * with one unnamed vector gets sparse vectors but no named dense vectors (Qdrant turns it into a
 * named-vector collection with the vector {@code ""}, which Sextant's wire formats do not
 * represent). Stateless.
 */
public final class VectorNameSchema {
    /** Longest vector name in UTF-8 bytes, as Qdrant. */
    public static final int MAX_NAME_BYTES = 200;

    private static final String INVALID_CHARS = "<>:\"/\\|?*\0\u001f";

    private VectorNameSchema() {}

    /**
     * Checks a vector name as Qdrant does: at most {@value #MAX_NAME_BYTES} bytes, none of {@code <
     * > : " / \ | ? *}, NUL or U+001F.
     */
    public static void checkName(String name) {
        if (name == null || name.isEmpty()) {
            throw UserException.badRequest("Validation error in path parameters: vector name must not be empty");
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_NAME_BYTES) {
            throw UserException.badRequest("Validation error in path parameters: vector name must be at most "
                    + MAX_NAME_BYTES + " bytes long, got " + bytes);
        }
        for (char c : INVALID_CHARS.toCharArray()) {
            if (name.indexOf(c) >= 0) {
                throw UserException.badRequest(
                        "Validation error in path parameters: vector name cannot contain \"" + c + "\" char");
            }
        }
    }

    /** {@code config} with the dense vector {@code name} added, or {@code config} itself when it already has it. */
    public static CollectionConfig withDense(CollectionConfig config, String name, VectorParams params) {
        checkName(name);
        CollectionParams p = config.params();
        VectorParams existing = p.vectors().get(name);
        if (existing != null) {
            if (!sameSchema(existing, params)) {
                throw UserException.badRequest(
                        "Wrong input: Vector `" + name + "` already exists with a different configuration");
            }
            return config;
        }
        if (p.sparseVectors().containsKey(name)) {
            throw UserException.badRequest("Wrong input: Vector `" + name + "` already exists as a sparse vector");
        }
        checkNamed(config, name);
        Map<String, VectorParams> vectors = new LinkedHashMap<>(p.vectors());
        vectors.put(name, params);
        return with(config, vectors, p.sparseVectors());
    }

    /** {@code config} with the sparse vector {@code name} added, or {@code config} itself when it already has it. */
    public static CollectionConfig withSparse(CollectionConfig config, String name, SparseVectorParams params) {
        checkName(name);
        CollectionParams p = config.params();
        SparseVectorParams existing = p.sparseVectors().get(name);
        if (existing != null) {
            if (!sameSchema(existing, params)) {
                throw UserException.badRequest(
                        "Wrong input: Sparse vector `" + name + "` already exists with a different configuration");
            }
            return config;
        }
        if (p.vectors().containsKey(name)) {
            throw UserException.badRequest("Wrong input: Vector `" + name + "` already exists as a dense vector");
        }
        Map<String, SparseVectorParams> sparse = new LinkedHashMap<>(p.sparseVectors());
        sparse.put(name, params);
        return with(config, p.vectors(), sparse);
    }

    /** {@code config} without the vector {@code name} (dense or sparse), or {@code config} itself when it has none. */
    public static CollectionConfig without(CollectionConfig config, String name) {
        checkName(name);
        CollectionParams p = config.params();
        if (!p.vectors().containsKey(name) && !p.sparseVectors().containsKey(name)) {
            return config;
        }
        Map<String, VectorParams> vectors = new LinkedHashMap<>(p.vectors());
        vectors.remove(name);
        Map<String, SparseVectorParams> sparse = new LinkedHashMap<>(p.sparseVectors());
        sparse.remove(name);
        return with(config, vectors, sparse);
    }

    private static void checkNamed(CollectionConfig config, String name) {
        if (config.params().unnamedVector()) {
            throw UserException.badRequest("Wrong input: cannot add vector `" + name
                    + "`: the collection was created with a single unnamed vector; create it with named vectors"
                    + " to add more");
        }
    }

    private static boolean sameSchema(VectorParams a, VectorParams b) {
        return a.size() == b.size()
                && a.distance() == b.distance()
                && java.util.Objects.equals(a.multivectorConfig(), b.multivectorConfig())
                && a.effectiveDatatype() == b.effectiveDatatype();
    }

    private static boolean sameSchema(SparseVectorParams a, SparseVectorParams b) {
        return java.util.Objects.equals(a.modifier(), b.modifier())
                && java.util.Objects.equals(a.datatype(), b.datatype());
    }

    private static CollectionConfig with(
            CollectionConfig c, Map<String, VectorParams> vectors, Map<String, SparseVectorParams> sparse) {
        return c.withParams(c.params().withVectors(vectors, sparse));
    }
}
