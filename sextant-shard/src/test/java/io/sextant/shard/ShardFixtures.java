package io.sextant.shard;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import io.sextant.segment.config.ShardConfig;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.ops.PointOperation;
import io.sextant.vector.Distance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/** Helpers shared by shard tests. */
final class ShardFixtures {
    private ShardFixtures() {}

    static ShardConfig config(int dim, Distance d) {
        return new ShardConfig(
                Map.of("", new VectorSpec(dim, d, false)),
                new ShardConfig.OptimizerSettings(0.2, 10, 2, null, 10000, 3600),
                new ShardConfig.WalSettings(1, 0));
    }

    static float[] randomVector(Random r, int dim) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = r.nextFloat() * 2 - 1;
        }
        return v;
    }

    static ObjectNode payload(long i) {
        ObjectNode p = JsonNodeFactory.instance.objectNode();
        p.put("n", i);
        p.put("parity", i % 2 == 0 ? "even" : "odd");
        return p;
    }

    static PointOperation.Upsert upsert(Random r, int dim, long from, long to) {
        List<PointOperation.PointStruct> pts = new ArrayList<>();
        for (long i = from; i < to; i++) {
            pts.add(new PointOperation.PointStruct(PointId.of(i), Map.of("", randomVector(r, dim)), payload(i)));
        }
        return new PointOperation.Upsert(pts);
    }

    static void copyDir(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.sorted(Comparator.naturalOrder()).toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }
}
