package io.sextant.shard;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import io.sextant.segment.config.ShardConfig;
import io.sextant.segment.config.SparseVectorSpec;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.error.UserException;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.segment.index.PayloadTypeCheck;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.payload.JsonPaths;
import io.sextant.segment.payload.KeyPath;
import io.sextant.vector.sparse.SparseVector;
import java.util.Map;

/**
 * Checks a shard operation before it reaches the WAL (DESIGN.md: a record in the WAL always
 * applies): vector names, dimensions, datatypes and finiteness, payload types against the indexed
 * fields, existence of points whose vectors are replaced, and index operations' field names. Throws
 * {@link UserException} and changes nothing. Stateless; thread-safe given immutable arguments.
 */
final class OperationChecks {
    private OperationChecks() {}

    static void validate(PointOperation op, ShardConfig config, Map<String, PayloadIndexSpec> sc, SegmentSet segments) {
        Map<String, VectorSpec> vectors = config.vectors();
        Map<String, SparseVectorSpec> sparse = config.sparseVectors();
        switch (op) {
            case PointOperation.Upsert u -> {
                for (PointOperation.PointStruct p : u.points()) {
                    validateVectors(vectors, p.vectors(), p.id());
                    validateSparse(sparse, p.sparseVectors());
                    if (p.payload() != null) {
                        PayloadTypeCheck.check(sc, p.payload());
                    }
                }
            }
            case PointOperation.UpdateVectors u -> {
                SegmentSet set = segments;
                for (PointOperation.PointVectors p : u.points()) {
                    validateVectors(vectors, p.vectors(), p.id());
                    validateSparse(sparse, p.sparseVectors());
                    if (set.locate(p.id()) == null) {
                        throw UserException.notFound("Not found: No point with id " + p.id() + " found");
                    }
                }
            }
            case PointOperation.SetPayload s -> {
                ObjectNode p = s.payload() == null ? JsonNodeFactory.instance.objectNode() : s.payload();
                if (s.key() != null) {
                    ObjectNode wrapped = JsonNodeFactory.instance.objectNode();
                    JsonPaths.set(wrapped, s.key(), p);
                    p = wrapped;
                }
                PayloadTypeCheck.check(sc, p);
            }
            case PointOperation.OverwritePayload o -> {
                if (o.payload() != null) {
                    PayloadTypeCheck.check(sc, o.payload());
                }
            }
            case PointOperation.DeleteVectors d -> {
                for (String n : d.vectorNames()) {
                    if (!vectors.containsKey(n) && !sparse.containsKey(n)) {
                        throw UserException.badRequest(
                                "Wrong input: Not existing vector name error: " + ShardReads.displayName(n));
                    }
                }
            }
            case PointOperation.CreateFieldIndex c -> {
                if (c.field() == null || c.field().isBlank()) {
                    throw UserException.badRequest("Field name for a payload index must not be empty");
                }
                try {
                    KeyPath.parse(c.field()); // as FieldIndexSet.create will on apply
                } catch (IllegalArgumentException e) {
                    throw UserException.badRequest("Bad field name for a payload index: " + e.getMessage());
                }
                if (c.spec() == null) {
                    throw UserException.badRequest("Field schema is required to create an index on " + c.field());
                }
            }
            case PointOperation.DeleteFieldIndex d -> {
                if (d.field() == null || d.field().isBlank()) {
                    throw UserException.badRequest("Field name for a payload index must not be empty");
                }
            }
            case PointOperation.Delete d -> {}
            case PointOperation.DeletePayload d -> {
                for (String key : d.keys()) {
                    KeyPath.parse(key); // as JsonPaths.delete will on apply: a bad path is a 400 here
                }
            }
            case PointOperation.ClearPayload c -> {}
        }
    }

    private static void validateSparse(Map<String, SparseVectorSpec> sparse, Map<String, SparseVector> given) {
        for (String name : given.keySet()) {
            if (!sparse.containsKey(name)) {
                throw UserException.badRequest(
                        "Wrong input: Not existing vector name error: " + ShardReads.displayName(name));
            }
        }
    }

    private static void validateVectors(Map<String, VectorSpec> vectors, Map<String, float[]> given, PointId id) {
        if (given == null) {
            return;
        }
        for (Map.Entry<String, float[]> e : given.entrySet()) {
            VectorSpec spec = vectors.get(e.getKey());
            if (spec == null) {
                throw UserException.badRequest(
                        "Wrong input: Not existing vector name error: " + ShardReads.displayName(e.getKey()));
            }
            float[] v = e.getValue();
            if (v == null || !spec.validLength(v.length)) {
                throw UserException.badRequest("Wrong input: Vector dimension error: expected dim: " + spec.size()
                        + ", got " + (v == null ? 0 : v.length) + " for point " + id);
            }
            try {
                spec.datatype().check(v);
            } catch (IllegalArgumentException bad) {
                throw UserException.badRequest("Wrong input: vector " + ShardReads.displayName(e.getKey())
                        + " of point " + id + ": " + bad.getMessage());
            }
            for (float f : v) {
                if (!Float.isFinite(f)) {
                    throw UserException.badRequest("Wrong input: vector " + ShardReads.displayName(e.getKey())
                            + " of point " + id + " contains " + f + ", only finite numbers are allowed");
                }
            }
        }
    }
}
