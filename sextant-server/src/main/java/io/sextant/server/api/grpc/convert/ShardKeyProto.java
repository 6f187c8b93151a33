package io.sextant.server.api.grpc.convert;

import io.qdrant.client.grpc.Collections;
import io.qdrant.client.grpc.Points;
import io.sextant.collection.ShardKey;
import java.util.ArrayList;
import java.util.List;

/** Qdrant's gRPC shard key messages: {@code ShardKey} and the {@code ShardKeySelector} of point requests. */
public final class ShardKeyProto {
    private ShardKeyProto() {}

    public static ShardKey key(Collections.ShardKey k, String field) {
        return switch (k.getKeyCase()) {
            case KEYWORD -> ShardKey.of(k.getKeyword());
            case NUMBER -> ShardKey.of(k.getNumber());
            case KEY_NOT_SET -> throw ProtoChecks.bad(field, "shard key is not set");
        };
    }

    public static Collections.ShardKey proto(ShardKey k) {
        return k.isKeyword()
                ? Collections.ShardKey.newBuilder().setKeyword(k.keyword()).build()
                : Collections.ShardKey.newBuilder().setNumber(k.number()).build();
    }

    /** The keys a request's {@code shard_key_selector} names, or null when it has none. */
    public static List<ShardKey> selector(boolean present, Points.ShardKeySelector s) {
        if (!present) {
            return null;
        }
        if (s.hasFallback()) {
            throw ProtoChecks.unsupported("shard_key_selector.fallback", "shard key selectors with a fallback");
        }
        List<ShardKey> out = new ArrayList<>();
        for (int i = 0; i < s.getShardKeysCount(); i++) {
            out.add(key(s.getShardKeys(i), "shard_key_selector.shard_keys[" + i + "]"));
        }
        return out;
    }

    /** The shard keys of one operation of an update batch (its {@code shard_key_selector}), or null. */
    public static List<ShardKey> selector(Points.PointsUpdateOperation op) {
        return switch (op.getOperationCase()) {
            case UPSERT ->
                selector(op.getUpsert().hasShardKeySelector(), op.getUpsert().getShardKeySelector());
            case DELETE_POINTS ->
                selector(
                        op.getDeletePoints().hasShardKeySelector(),
                        op.getDeletePoints().getShardKeySelector());
            case SET_PAYLOAD ->
                selector(
                        op.getSetPayload().hasShardKeySelector(),
                        op.getSetPayload().getShardKeySelector());
            case OVERWRITE_PAYLOAD ->
                selector(
                        op.getOverwritePayload().hasShardKeySelector(),
                        op.getOverwritePayload().getShardKeySelector());
            case DELETE_PAYLOAD ->
                selector(
                        op.getDeletePayload().hasShardKeySelector(),
                        op.getDeletePayload().getShardKeySelector());
            case CLEAR_PAYLOAD ->
                selector(
                        op.getClearPayload().hasShardKeySelector(),
                        op.getClearPayload().getShardKeySelector());
            case UPDATE_VECTORS ->
                selector(
                        op.getUpdateVectors().hasShardKeySelector(),
                        op.getUpdateVectors().getShardKeySelector());
            case DELETE_VECTORS ->
                selector(
                        op.getDeleteVectors().hasShardKeySelector(),
                        op.getDeleteVectors().getShardKeySelector());
            case DELETE_DEPRECATED, CLEAR_PAYLOAD_DEPRECATED, OPERATION_NOT_SET -> null;
        };
    }
}
