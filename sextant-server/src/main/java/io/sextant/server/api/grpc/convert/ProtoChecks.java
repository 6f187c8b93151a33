package io.sextant.server.api.grpc.convert;

import io.sextant.segment.error.UserException;

/**
 * Shared input checks of the protobuf converters: every malformed or unsupported request becomes a
 * {@link UserException} of kind BAD_REQUEST (gRPC {@code INVALID_ARGUMENT}) with Qdrant's {@code
 * "Wrong input: "} prefix, naming the offending field. Stateless and thread-safe.
 */
public final class ProtoChecks {

    private ProtoChecks() {}

    /** A bad-request error about {@code field}. */
    public static UserException bad(String field, String message) {
        return UserException.badRequest("Wrong input: " + (field.isEmpty() ? "" : field + ": ") + message);
    }

    /** A bad-request error for a feature Sextant does not serve. */
    public static UserException unsupported(String field, String what) {
        return bad(field, what + " is not supported");
    }

    /** A protobuf uint32/uint64 as a non-negative int, or an error naming {@code field}. */
    public static int toInt(long unsigned, String field) {
        if (unsigned < 0 || unsigned > Integer.MAX_VALUE) {
            throw bad(field, "must be in [0, " + Integer.MAX_VALUE + "], got " + Long.toUnsignedString(unsigned));
        }
        return (int) unsigned;
    }

    /** A limit: at least 1. */
    public static int limit(long unsigned, String field) {
        int v = toInt(unsigned, field);
        if (v < 1) {
            throw bad(field, "limit must be >= 1, got " + v);
        }
        return v;
    }

    /** A collection name from a request: required. */
    public static String collectionName(String name) {
        if (name == null || name.isEmpty()) {
            throw bad("collection_name", "collection name must not be empty");
        }
        return name;
    }
}
