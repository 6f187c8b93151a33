package io.sextant.server.api.grpc.convert;

import io.qdrant.client.grpc.Points;
import io.sextant.collection.CollectionUpdateResult;
import io.sextant.segment.PointId;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.segment.index.PayloadSchemaType;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.ops.PointsSelector;
import java.util.ArrayList;
import java.util.List;

/**
 * Point write requests from the gRPC wire to {@link PointOperation}s: upserts, deletes, payload and
 * vector changes, payload indexes and the operations of {@code UpdateBatch}; and {@link
 * CollectionUpdateResult} back to {@code UpdateResult}. Vectors may be dense or sparse ({@link
 * PointProto#vectors}); {@code DeleteVectors} names either kind. Conditional updates ({@code
 * update_filter}), insert-only/update-only modes and shard keys are refused as unsupported, as over
 * REST. Stateless and thread-safe.
 */
public final class UpdateProto {

    private UpdateProto() {}

    public static PointOperation upsert(Points.UpsertPoints r) {
        return new PointOperation.Upsert(
                PointProto.points(r.getPointsList(), "points"),
                mode(r.hasUpdateMode(), r.getUpdateMode(), "update_mode"),
                FilterProto.parseOptional(r.hasUpdateFilter(), r.getUpdateFilter(), "update_filter"));
    }

    public static PointOperation delete(Points.DeletePoints r) {
        return new PointOperation.Delete(selector(r.hasPoints(), r.getPoints(), "points"));
    }

    public static PointOperation updateVectors(Points.UpdatePointVectors r) {
        return new PointOperation.UpdateVectors(
                pointVectors(r.getPointsList()),
                FilterProto.parseOptional(r.hasUpdateFilter(), r.getUpdateFilter(), "update_filter"));
    }

    public static PointOperation deleteVectors(Points.DeletePointVectors r) {
        return new PointOperation.DeleteVectors(
                selector(r.hasPointsSelector(), r.getPointsSelector(), "points_selector"),
                List.copyOf(r.getVectors().getNamesList()));
    }

    /** {@code SetPayload} ({@code overwrite=false}) and {@code OverwritePayload}. */
    public static PointOperation setPayload(Points.SetPayloadPoints r, boolean overwrite) {
        PointsSelector sel = selector(r.hasPointsSelector(), r.getPointsSelector(), "points_selector");
        var payload = ValueProto.toObject(r.getPayloadMap());
        if (overwrite) {
            if (r.hasKey()) {
                throw ProtoChecks.unsupported("key", "overwriting the payload at a nested key");
            }
            return new PointOperation.OverwritePayload(payload, sel);
        }
        return new PointOperation.SetPayload(payload, sel, r.hasKey() ? r.getKey() : null);
    }

    public static PointOperation deletePayload(Points.DeletePayloadPoints r) {
        return new PointOperation.DeletePayload(
                List.copyOf(r.getKeysList()),
                selector(r.hasPointsSelector(), r.getPointsSelector(), "points_selector"));
    }

    public static PointOperation clearPayload(Points.ClearPayloadPoints r) {
        return new PointOperation.ClearPayload(selector(r.hasPoints(), r.getPoints(), "points"));
    }

    public static PointOperation createFieldIndex(Points.CreateFieldIndexCollection r) {
        if (r.getFieldName().isEmpty()) {
            throw ProtoChecks.bad("field_name", "field name must not be empty");
        }
        PayloadSchemaType type = r.hasFieldType()
                ? schemaType(r.getFieldType())
                : r.hasFieldIndexParams() ? IndexProto.typeOfParams(r.getFieldIndexParams()) : null;
        if (type == null) {
            throw ProtoChecks.bad("field_type", "field_type is required");
        }
        PayloadIndexSpec spec = r.hasFieldIndexParams()
                ? IndexProto.spec(type, r.getFieldIndexParams(), "field_index_params")
                : PayloadIndexSpec.of(type);
        return new PointOperation.CreateFieldIndex(r.getFieldName(), spec);
    }

    public static PointOperation deleteFieldIndex(Points.DeleteFieldIndexCollection r) {
        if (r.getFieldName().isEmpty()) {
            throw ProtoChecks.bad("field_name", "field name must not be empty");
        }
        return new PointOperation.DeleteFieldIndex(r.getFieldName());
    }

    /** The operations of {@code UpdateBatch}, in order. */
    @SuppressWarnings("deprecation")
    public static List<PointOperation> batch(List<Points.PointsUpdateOperation> ops) {
        List<PointOperation> out = new ArrayList<>(ops.size());
        for (int i = 0; i < ops.size(); i++) {
            Points.PointsUpdateOperation op = ops.get(i);
            String f = "operations[" + i + "]";
            out.add(
                    switch (op.getOperationCase()) {
                        case UPSERT -> {
                            var u = op.getUpsert();
                            yield new PointOperation.Upsert(
                                    PointProto.points(u.getPointsList(), f + ".upsert.points"),
                                    mode(u.hasUpdateMode(), u.getUpdateMode(), f + ".upsert.update_mode"),
                                    FilterProto.parseOptional(
                                            u.hasUpdateFilter(), u.getUpdateFilter(), f + ".upsert.update_filter"));
                        }
                        case DELETE_DEPRECATED ->
                            new PointOperation.Delete(selector(true, op.getDeleteDeprecated(), f + ".delete"));
                        case DELETE_POINTS -> {
                            var d = op.getDeletePoints();
                            yield new PointOperation.Delete(
                                    selector(d.hasPoints(), d.getPoints(), f + ".delete_points"));
                        }
                        case SET_PAYLOAD -> {
                            var s = op.getSetPayload();
                            yield new PointOperation.SetPayload(
                                    ValueProto.toObject(s.getPayloadMap()),
                                    selector(s.hasPointsSelector(), s.getPointsSelector(), f + ".set_payload"),
                                    s.hasKey() ? s.getKey() : null);
                        }
                        case OVERWRITE_PAYLOAD -> {
                            var s = op.getOverwritePayload();
                            if (s.hasKey()) {
                                throw ProtoChecks.unsupported(
                                        f + ".overwrite_payload.key", "overwriting the payload at a nested key");
                            }
                            yield new PointOperation.OverwritePayload(
                                    ValueProto.toObject(s.getPayloadMap()),
                                    selector(s.hasPointsSelector(), s.getPointsSelector(), f + ".overwrite_payload"));
                        }
                        case DELETE_PAYLOAD -> {
                            var d = op.getDeletePayload();
                            yield new PointOperation.DeletePayload(
                                    List.copyOf(d.getKeysList()),
                                    selector(d.hasPointsSelector(), d.getPointsSelector(), f + ".delete_payload"));
                        }
                        case CLEAR_PAYLOAD_DEPRECATED ->
                            new PointOperation.ClearPayload(
                                    selector(true, op.getClearPayloadDeprecated(), f + ".clear_payload"));
                        case CLEAR_PAYLOAD -> {
                            var c = op.getClearPayload();
                            yield new PointOperation.ClearPayload(
                                    selector(c.hasPoints(), c.getPoints(), f + ".clear_payload"));
                        }
                        case UPDATE_VECTORS -> {
                            var u = op.getUpdateVectors();
                            yield new PointOperation.UpdateVectors(
                                    pointVectors(u.getPointsList()),
                                    FilterProto.parseOptional(
                                            u.hasUpdateFilter(),
                                            u.getUpdateFilter(),
                                            f + ".update_vectors.update_filter"));
                        }
                        case DELETE_VECTORS -> {
                            var d = op.getDeleteVectors();
                            yield new PointOperation.DeleteVectors(
                                    selector(d.hasPointsSelector(), d.getPointsSelector(), f + ".delete_vectors"),
                                    List.copyOf(d.getVectors().getNamesList()));
                        }
                        case OPERATION_NOT_SET -> throw ProtoChecks.bad(f, "operation is empty");
                    });
        }
        return out;
    }

    public static Points.UpdateResult result(CollectionUpdateResult r) {
        return Points.UpdateResult.newBuilder()
                .setOperationId(r.operationId())
                .setStatus(
                        switch (r.status()) {
                            case COMPLETED -> Points.UpdateStatus.Completed;
                            case ACKNOWLEDGED -> Points.UpdateStatus.Acknowledged;
                            case WAIT_TIMEOUT -> Points.UpdateStatus.WaitTimeout;
                        })
                .build();
    }

    // ---------------------------------------------------------------- parts

    public static PointsSelector selector(boolean present, Points.PointsSelector s, String field) {
        if (!present) {
            throw ProtoChecks.bad(field, "a points selector (ids or filter) is required");
        }
        return switch (s.getPointsSelectorOneOfCase()) {
            case POINTS ->
                new PointsSelector.Ids(PointIdProto.parseAll(s.getPoints().getIdsList(), field + ".points"));
            case FILTER -> new PointsSelector.ByFilter(FilterProto.parse(s.getFilter(), field + ".filter"));
            case POINTSSELECTORONEOF_NOT_SET -> throw ProtoChecks.bad(field, "points selector is empty");
        };
    }

    private static List<PointOperation.PointVectors> pointVectors(List<Points.PointVectors> in) {
        List<PointOperation.PointVectors> out = new ArrayList<>(in.size());
        for (int i = 0; i < in.size(); i++) {
            Points.PointVectors p = in.get(i);
            String f = "points[" + i + "]";
            if (!p.hasId()) {
                throw ProtoChecks.bad(f, "missing field `id`");
            }
            PointId id = PointIdProto.parse(p.getId(), f + ".id");
            PointProto.VectorMaps v = PointProto.vectors(p.getVectors(), f + ".vectors");
            out.add(new PointOperation.PointVectors(id, v.dense(), v.sparse()));
        }
        return out;
    }

    private static PayloadSchemaType schemaType(Points.FieldType t) {
        return switch (t) {
            case FieldTypeKeyword -> PayloadSchemaType.KEYWORD;
            case FieldTypeInteger -> PayloadSchemaType.INTEGER;
            case FieldTypeFloat -> PayloadSchemaType.FLOAT;
            case FieldTypeGeo -> PayloadSchemaType.GEO;
            case FieldTypeText -> PayloadSchemaType.TEXT;
            case FieldTypeBool -> PayloadSchemaType.BOOL;
            case FieldTypeDatetime -> PayloadSchemaType.DATETIME;
            case FieldTypeUuid -> PayloadSchemaType.UUID;
            case UNRECOGNIZED -> throw ProtoChecks.bad("field_type", "unknown field type");
        };
    }

    public static void checkShardKey(boolean present, String field) {
        if (present) {
            throw ProtoChecks.unsupported(field, "custom sharding (shard keys)");
        }
    }

    private static PointOperation.UpdateMode mode(boolean present, Points.UpdateMode mode, String field) {
        if (!present) {
            return PointOperation.UpdateMode.UPSERT;
        }
        return switch (mode) {
            case Upsert -> PointOperation.UpdateMode.UPSERT;
            case InsertOnly -> PointOperation.UpdateMode.INSERT_ONLY;
            case UpdateOnly -> PointOperation.UpdateMode.UPDATE_ONLY;
            default -> throw ProtoChecks.unsupported(field, "update mode " + mode);
        };
    }
}
