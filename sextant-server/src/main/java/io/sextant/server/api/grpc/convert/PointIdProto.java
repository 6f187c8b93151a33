package io.sextant.server.api.grpc.convert;

import io.qdrant.client.grpc.Common;
import io.sextant.segment.PointId;
import java.util.ArrayList;
import java.util.List;

/**
 * Point ids between {@code qdrant.PointId} ({@code num}: unsigned 64-bit, or {@code uuid}: text)
 * and {@link PointId}. Stateless and thread-safe.
 */
public final class PointIdProto {

    private PointIdProto() {}

    /** Parses an id; a missing id or a malformed UUID is a bad request naming {@code field}. */
    public static PointId parse(Common.PointId id, String field) {
        return switch (id.getPointIdOptionsCase()) {
            case NUM -> PointId.of(id.getNum());
            case UUID -> {
                try {
                    PointId p = PointId.parse(id.getUuid());
                    if (!(p instanceof PointId.Uuid)) {
                        throw ProtoChecks.bad(field, "Unable to parse UUID: " + id.getUuid());
                    }
                    yield p;
                } catch (IllegalArgumentException e) {
                    throw ProtoChecks.bad(field, "Unable to parse UUID: " + id.getUuid());
                }
            }
            case POINTIDOPTIONS_NOT_SET -> throw ProtoChecks.bad(field, "point id is empty");
        };
    }

    public static List<PointId> parseAll(List<Common.PointId> ids, String field) {
        List<PointId> out = new ArrayList<>(ids.size());
        for (Common.PointId id : ids) {
            out.add(parse(id, field));
        }
        return out;
    }

    public static Common.PointId write(PointId id) {
        return switch (id) {
            case PointId.Num n -> Common.PointId.newBuilder().setNum(n.value()).build();
            case PointId.Uuid u ->
                Common.PointId.newBuilder().setUuid(u.value().toString()).build();
        };
    }
}
