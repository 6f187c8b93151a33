package io.sextant.server.api.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.qdrant.client.grpc.CollectionsGrpc;
import io.qdrant.client.grpc.PointsGrpc;
import io.qdrant.client.grpc.QdrantGrpc;
import io.qdrant.client.grpc.SnapshotsGrpc;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every rpc of the client's {@code Points}, {@code Collections}, {@code Snapshots} and {@code
 * Qdrant} services is overridden by our endpoint (the generated defaults answer {@code
 * UNIMPLEMENTED}), so a client upgrade that adds an rpc fails here until it is implemented.
 */
class GrpcEndpointCoverageTest {

    @Test
    void everyRpcOfTheFourServicesIsOverridden() {
        List<String> missing = new ArrayList<>();
        missing.addAll(notOverridden(PointsGrpc.AsyncService.class, PointsEndpoint.class));
        missing.addAll(notOverridden(CollectionsGrpc.AsyncService.class, CollectionsEndpoint.class));
        missing.addAll(notOverridden(SnapshotsGrpc.AsyncService.class, SnapshotsEndpoint.class));
        missing.addAll(notOverridden(QdrantGrpc.AsyncService.class, QdrantHealthEndpoint.class));
        assertThat(missing)
                .as("rpcs answered UNIMPLEMENTED by the generated base")
                .isEmpty();
    }

    @Test
    void theServicesHaveTheRpcsOfClient1183() {
        // a guard that the reflection above sees the rpcs at all
        assertThat(rpcs(PointsGrpc.AsyncService.class)).hasSize(30).contains("queryGroups", "searchMatrixOffsets");
        assertThat(rpcs(CollectionsGrpc.AsyncService.class)).hasSize(14).contains("listShardKeys");
        assertThat(rpcs(SnapshotsGrpc.AsyncService.class)).hasSize(6);
        assertThat(rpcs(QdrantGrpc.AsyncService.class)).containsExactly("healthCheck");
        // and that a class inheriting the defaults is reported: the generated base overrides nothing
        assertThat(notOverridden(CollectionsGrpc.AsyncService.class, CollectionsGrpc.CollectionsImplBase.class))
                .hasSize(14)
                .contains("CollectionsGrpc.collectionClusterInfo");
    }

    private static List<String> rpcs(Class<?> service) {
        List<String> names = new ArrayList<>();
        for (Method m : service.getDeclaredMethods()) {
            if (m.isDefault() && !Modifier.isStatic(m.getModifiers())) {
                names.add(m.getName());
            }
        }
        return names;
    }

    private static List<String> notOverridden(Class<?> service, Class<?> endpoint) {
        List<String> missing = new ArrayList<>();
        for (Method m : service.getDeclaredMethods()) {
            if (!m.isDefault() || Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            try {
                endpoint.getDeclaredMethod(m.getName(), m.getParameterTypes());
            } catch (NoSuchMethodException e) {
                missing.add(service.getEnclosingClass().getSimpleName() + "." + m.getName());
            }
        }
        return missing;
    }
}
