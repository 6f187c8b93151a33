package io.sextant.cluster.replica;

import io.sextant.cluster.ReplicaState;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Test double: a peer's replica states whose log lags for some replicas ({@link #stale} answers
 * for them until cleared); everything else goes to the real states.
 */
final class StaleView implements ReplicaStates {
    final Map<Long, ReplicaState> stale = new ConcurrentHashMap<>();
    private final ReplicaStates real;

    StaleView(ReplicaStates real) {
        this.real = real;
    }

    @Override
    public ReplicaState state(long peer) {
        ReplicaState s = stale.get(peer);
        return s != null ? s : real.state(peer);
    }

    @Override
    public void markDead(long peer) {
        real.markDead(peer);
    }

    @Override
    public void markDeadAsPrimary(long self, long peer) {
        real.markDeadAsPrimary(self, peer);
    }

    @Override
    public boolean markDeadWhileActive(long peer, List<Long> anyOf) {
        return real.markDeadWhileActive(peer, anyOf);
    }

    @Override
    public boolean change(long peer, ReplicaState from, ReplicaState to) {
        return real.change(peer, from, to);
    }

    @Override
    public String takeRequestedMethod(long peer) {
        return real.takeRequestedMethod(peer);
    }

    @Override
    public long primaryTermIndex(long primary) {
        return real.primaryTermIndex(primary);
    }

    @Override
    public boolean fromLog() {
        return real.fromLog();
    }
}
