package io.sextant.server.api.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.qdrant.client.grpc.Points;
import io.sextant.cluster.replica.ReadConsistency;
import io.sextant.cluster.replica.RequestGuarantees;
import io.sextant.cluster.replica.WriteOrdering;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** gRPC {@code read_consistency} and {@code ordering} bound to the handler's thread, and only there. */
class GrpcRequestGuaranteesTest {
    @Test
    void readConsistencyAndOrderingFieldsAreRead() {
        Points.SearchPoints two = Points.SearchPoints.newBuilder()
                .setCollectionName("c")
                .setReadConsistency(Points.ReadConsistency.newBuilder().setFactor(2))
                .build();
        assertThat(GrpcRequestGuarantees.consistency(two))
                .isEqualTo(new ReadConsistency(ReadConsistency.Kind.FACTOR, 2));
        Points.CountPoints majority = Points.CountPoints.newBuilder()
                .setCollectionName("c")
                .setReadConsistency(Points.ReadConsistency.newBuilder().setType(Points.ReadConsistencyType.Majority))
                .build();
        assertThat(GrpcRequestGuarantees.consistency(majority).kind()).isEqualTo(ReadConsistency.Kind.MAJORITY);
        Points.UpsertPoints strong = Points.UpsertPoints.newBuilder()
                .setCollectionName("c")
                .setOrdering(Points.WriteOrdering.newBuilder().setType(Points.WriteOrderingType.Strong))
                .build();
        assertThat(GrpcRequestGuarantees.ordering(strong)).isEqualTo(WriteOrdering.STRONG);
        assertThat(GrpcRequestGuarantees.consistency(strong)).isNull();
        assertThat(GrpcRequestGuarantees.ordering(Points.UpsertPoints.getDefaultInstance()))
                .isNull();
    }

    @Test
    void theHandlerSeesTheBindingAndTheThreadIsClearAfterwards() {
        List<ReadConsistency> seen = new ArrayList<>();
        ServerCall.Listener<Points.SearchPoints> handler = new ServerCall.Listener<>() {
            @Override
            public void onHalfClose() {
                seen.add(RequestGuarantees.consistency());
            }
        };
        ServerCall.Listener<Points.SearchPoints> l =
                new GrpcRequestGuarantees().interceptCall(null, new Metadata(), (call, headers) -> handler);
        l.onMessage(Points.SearchPoints.newBuilder()
                .setReadConsistency(Points.ReadConsistency.newBuilder().setType(Points.ReadConsistencyType.All))
                .build());
        l.onHalfClose();
        assertThat(seen).containsExactly(new ReadConsistency(ReadConsistency.Kind.ALL, 0));
        assertThat(RequestGuarantees.consistency()).isEqualTo(ReadConsistency.ONE);
    }
}
