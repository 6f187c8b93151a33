package io.sextant.server.api.convert;

import com.fasterxml.jackson.databind.node.POJONode;

/**
 * A dense vector inside a request tree, held as the {@code float[]} a streaming reader produced
 * ({@link UpsertBody}) instead of one tree node per number. {@link PointJson} takes its floats as
 * they are (no copy: the body is parsed once per request and dropped). Serializes as a JSON array.
 */
public final class PackedVector extends POJONode {
    PackedVector(float[] values) {
        super(values);
    }

    /** The vector's values (the array itself). */
    public float[] floats() {
        return (float[]) _value;
    }
}
