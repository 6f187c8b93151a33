// The cluster view: this peer's Raft state and peers (GET /cluster) and the shard placement of
// every collection (GET /collections/{c}/cluster).
import { enc, get } from '../api.js';
import { html, Json, Loading, useLoad } from '../ui.js';

async function loadCluster() {
  const status = await get('/cluster');
  const names = (await get('/collections')).collections.map((c) => c.name).sort();
  const shards = await Promise.all(
    names.map((n) => get(`/collections/${enc(n)}/cluster`).then((r) => ({ name: n, r }), (e) => ({ name: n, error: e }))),
  );
  return { status, shards };
}

function Peers({ status }) {
  const peers = Object.entries(status.peers || {});
  const raft = status.raft_info || {};
  return html`
    <div class="facts">
      <div><span>This peer</span><b>${status.peer_id}</b></div>
      <div><span>Role</span><b>${raft.role ?? '–'}</b></div>
      <div><span>Leader</span><b>${raft.leader ?? '–'}</b></div>
      <div><span>Term</span><b>${raft.term ?? '–'}</b></div>
      <div><span>Commit</span><b>${raft.commit ?? '–'}</b></div>
      <div><span>Pending operations</span><b>${raft.pending_operations ?? '–'}</b></div>
    </div>
    <table data-testid="peers-table">
      <thead><tr><th>Peer</th><th>URI</th><th></th></tr></thead>
      <tbody>
        ${peers.map(
          ([id, p]) => html`<tr>
            <td class="mono">${id}</td>
            <td class="mono">${p.uri}</td>
            <td>${String(id) === String(status.peer_id) ? 'this peer' : ''}${String(id) === String(raft.leader) ? ' leader' : ''}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  `;
}

export function Cluster() {
  const state = useLoad(loadCluster);
  const d = state.data;
  return html`
    <h1>Cluster</h1>
    <${Loading} state=${state}>
      ${d &&
      html`
        ${d.status.status === 'disabled'
          ? html`<p data-testid="cluster-standalone">This node runs standalone (cluster mode is off).</p>`
          : html`<${Peers} status=${d.status} />`}
        <h2>Shards</h2>
        <table data-testid="shards-table">
          <thead><tr><th>Collection</th><th class="num">Shards</th><th>Local shards</th><th>Remote shards</th><th>Transfers</th></tr></thead>
          <tbody>
            ${d.shards.map(
              ({ name, r, error }) => html`<tr>
                <td>${name}</td>
                ${error
                  ? html`<td colspan="4" class="error">${error.message}</td>`
                  : html`
                      <td class="num">${r.shard_count}</td>
                      <td>${(r.local_shards || []).map((s) => `#${s.shard_id} ${s.state} (${s.points_count} pts)`).join(', ') || '–'}</td>
                      <td>${(r.remote_shards || []).map((s) => `#${s.shard_id}@${s.peer_id} ${s.state}`).join(', ') || '–'}</td>
                      <td>${(r.shard_transfers || []).length || '–'}</td>
                    `}
              </tr>`,
            )}
          </tbody>
        </table>
        <details><summary>Raw /cluster</summary><${Json} value=${d.status} /></details>
      `}
    <//>
    <button class="secondary" onClick=${state.reload}>Refresh</button>
  `;
}
