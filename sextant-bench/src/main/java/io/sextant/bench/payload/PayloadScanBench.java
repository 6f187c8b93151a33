package io.sextant.bench.payload;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import io.sextant.segment.config.MemoryPlacement;
import io.sextant.segment.config.SegmentVectors;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.filter.Condition.MatchCondition;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.filter.Match;
import io.sextant.segment.index.OffsetFilter;
import io.sextant.segment.storage.Segment;
import io.sextant.segment.storage.SegmentWriter;
import io.sextant.vector.Distance;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What reading payloads from the mapped points file costs a filter on a field without an index
 * (issue P12 item 6): the payloads of a {@code base.jsonl} are written as one immutable segment,
 * opened with each payload placement, and a {@code match} filter is evaluated on every offset, as an
 * exact scan does. Prints the median time of a full scan per placement, after as many warm-up scans.
 *
 * <p>Usage: {@code java -cp sextant-bench.jar io.sextant.bench.payload.PayloadScanBench
 * PAYLOADS.jsonl KEY VALUE [ROUNDS [PLACEMENTS]]}, placements comma-separated wire names (default
 * {@code pinned,cached,cold}; pinned = decoded trees on the heap). Not a test; single-threaded.
 */
public final class PayloadScanBench {
    private PayloadScanBench() {}

    /** One exact scan, in its own method so it is compiled as such (not on-stack-replaced in main's loop). */
    private static int scan(Segment s, Filter f) {
        OffsetFilter of = s.compile(f);
        int matches = 0;
        for (int o = 0; o < s.offsetLimit(); o++) {
            if (of.test(o)) {
                matches++;
            }
        }
        return matches;
    }

    public static void main(String[] args) throws IOException {
        Path jsonl = Path.of(args[0]);
        String key = args[1];
        String value = args[2];
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 7;
        List<MemoryPlacement> placements = Arrays.stream((args.length > 4 ? args[4] : "pinned,cached,cold").split(","))
                .map(MemoryPlacement::fromWireName)
                .toList();
        ObjectMapper m = new ObjectMapper();
        SegmentVectors layout = SegmentVectors.dense(Map.of("", new VectorSpec(1, Distance.DOT, false)));
        Path tmp = Files.createTempDirectory("payload-scan");
        Segment app = Segment.createAppendable(tmp.resolve("app"), layout);
        int n = 0;
        try (BufferedReader r = Files.newBufferedReader(jsonl)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                app.append(PointId.of(n), n + 1, Map.of("", new float[] {1}), (ObjectNode) m.readTree(line));
                n++;
            }
        }
        app.flush(n);
        List<SegmentWriter.PointRef> refs = new ArrayList<>();
        app.liveOffsetsById(null).forEachRemaining((int o) -> refs.add(new SegmentWriter.PointRef(app, o)));
        Path dir = tmp.resolve("imm");
        SegmentWriter.write(dir, layout, refs, n);
        app.close();
        Filter f = Filter.must(new MatchCondition(key, new Match.Value(value)));
        System.out.printf("%d points, filter %s = %s (no index), %d rounds%n", n, key, value, rounds);
        System.out.println("| payloads | matches | full scan median (ms) | per point (ns) |");
        System.out.println("|---|---:|---:|---:|");
        for (MemoryPlacement p : placements) {
            Segment s = Segment.open(dir, layout, Map.of(), p);
            long[] ns = new long[rounds];
            int matches = 0;
            for (int round = -rounds; round < rounds; round++) { // the first half warms the JIT up
                long t0 = System.nanoTime();
                matches = scan(s, f);
                if (round >= 0) {
                    ns[round] = System.nanoTime() - t0;
                }
            }
            Arrays.sort(ns);
            long median = ns[rounds / 2];
            System.out.printf(
                    "| %s | %d | %.1f | %.0f |%n",
                    p == MemoryPlacement.PINNED ? "heap (pinned)" : "mapped (" + p.wireName() + ")",
                    matches,
                    median / 1e6,
                    (double) median / n);
            s.close();
        }
    }
}
