package io.sextant.collection.config;

/**
 * The body of a named-vector creation (Qdrant's {@code VectorNameConfig}): a dense or a sparse
 * vector, exactly one of them. Immutable.
 *
 * @param dense the dense vector's params, or null
 * @param sparse the sparse vector's params, or null
 */
public record VectorNameConfig(VectorParams dense, SparseVectorParams sparse) {
    public VectorNameConfig {
        if ((dense == null) == (sparse == null)) {
            throw new IllegalArgumentException(
                    "A new vector is either dense or sparse, got " + (dense == null ? "neither" : "both"));
        }
    }

    public static VectorNameConfig dense(VectorParams params) {
        return new VectorNameConfig(params, null);
    }

    public static VectorNameConfig sparse(SparseVectorParams params) {
        return new VectorNameConfig(null, params);
    }

    /** The collection config with this vector added as {@code name} (see {@link VectorNameSchema}). */
    public CollectionConfig addTo(CollectionConfig config, String name) {
        return dense != null
                ? VectorNameSchema.withDense(config, name, dense)
                : VectorNameSchema.withSparse(config, name, sparse);
    }
}
