package io.sextant.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ShardPlacementTest {

    private static Map<Long, Integer> replicasPerPeer(ShardPlacement p, List<Long> peers) {
        Map<Long, Integer> out = new TreeMap<>();
        for (long peer : peers) {
            out.put(peer, p.replicaCount(peer));
        }
        return out;
    }

    @Test
    void sixShardsTwoReplicasOnThreePeersIsFourEach() {
        List<Long> peers = List.of(11L, 22L, 33L);
        ShardPlacement p = ShardPlacement.plan("c", 6, 2, peers);
        assertThat(p.shardCount()).isEqualTo(6);
        assertThat(replicasPerPeer(p, peers)).containsOnly(Map.entry(11L, 4), Map.entry(22L, 4), Map.entry(33L, 4));
        for (int s = 0; s < 6; s++) {
            assertThat(p.replicas(s)).hasSize(2).doesNotHaveDuplicates();
        }
    }

    @Test
    void everyPeerGetsTheSameNumberOfReplicasPlusOrMinusOne() {
        for (int n = 1; n <= 7; n++) {
            List<Long> peers = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                peers.add(-1L - i * 1_000_003L); // unsigned ids above Long.MAX_VALUE too
            }
            for (int shards = 1; shards <= 12; shards++) {
                for (int rf = 1; rf <= 4; rf++) {
                    for (String name : List.of("a", "collection", "zz")) {
                        ShardPlacement p = ShardPlacement.plan(name, shards, rf, peers);
                        int factor = Math.min(rf, n);
                        int total = 0;
                        int min = Integer.MAX_VALUE;
                        int max = 0;
                        for (long peer : peers) {
                            int c = p.replicaCount(peer);
                            total += c;
                            min = Math.min(min, c);
                            max = Math.max(max, c);
                        }
                        String what = n + " peers, " + shards + " shards, rf " + rf + ", " + name;
                        assertThat(total).as(what).isEqualTo(shards * factor);
                        assertThat(max - min).as(what).isLessThanOrEqualTo(1);
                        for (int s = 0; s < shards; s++) {
                            assertThat(p.replicas(s)).as(what).hasSize(factor).doesNotHaveDuplicates();
                            assertThat(peers).as(what).containsAll(p.replicas(s));
                        }
                    }
                }
            }
        }
    }

    @Test
    void replicationIsCappedByThePeerCount() {
        ShardPlacement p = ShardPlacement.plan("c", 2, 5, List.of(1L, 2L, 3L));
        assertThat(p.replicas(0)).hasSize(3);
        assertThat(new HashSet<>(p.replicas(1))).containsExactlyInAnyOrder(1L, 2L, 3L);
    }

    @Test
    void deterministicWhateverTheOrderOfThePeers() {
        ShardPlacement a = ShardPlacement.plan("c", 6, 2, List.of(5L, 1L, 9L));
        ShardPlacement b = ShardPlacement.plan("c", 6, 2, List.of(9L, 5L, 1L));
        assertThat(a).isEqualTo(b);
        assertThat(ShardPlacement.plan("c", 6, 2, List.of(5L, 1L, 9L))).isEqualTo(a);
    }

    @Test
    void primariesAreSpreadToo() {
        ShardPlacement p = ShardPlacement.plan("c", 6, 2, List.of(1L, 2L, 3L));
        Map<Long, Integer> firsts = new TreeMap<>();
        for (int s = 0; s < 6; s++) {
            firsts.merge(p.replicas(s).getFirst(), 1, Integer::sum);
        }
        assertThat(firsts).containsOnly(Map.entry(1L, 2), Map.entry(2L, 2), Map.entry(3L, 2));
    }

    @Test
    void jsonRoundTripsWithUnsignedIds() throws Exception {
        ShardPlacement p = new ShardPlacement(List.of(List.of(-2L, 7L), List.of(7L)));
        String json = p.toJson().toString();
        assertThat(json).isEqualTo("[[\"18446744073709551614\",\"7\"],[\"7\"]]");
        assertThat(ShardPlacement.fromJson(new ObjectMapper().readTree(json))).isEqualTo(p);
    }

    @Test
    void badPlacementsAreRefused() throws Exception {
        ObjectMapper m = new ObjectMapper();
        assertThatThrownBy(() -> ShardPlacement.fromJson(m.readTree("{}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be an array");
        assertThatThrownBy(() -> ShardPlacement.fromJson(m.readTree("[[\"x\"]]")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("u64");
        assertThatThrownBy(() -> ShardPlacement.fromJson(m.readTree("[[\"1\",\"1\"]]")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("distinct");
        assertThatThrownBy(() -> ShardPlacement.fromJson(m.readTree("[[]]")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ShardPlacement.plan("c", 1, 1, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no peers");
        assertThatThrownBy(() -> ShardPlacement.plan("c", 0, 1, List.of(1L)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 0 and 1");
        assertThatThrownBy(() -> new ShardPlacement(List.of(List.of(1L))).replicas(1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
