// The collection list (status, points, segments of each) and the create-collection form.
import { useState } from 'preact/hooks';
import { enc, get, put } from '../api.js';
import { link, navigate } from '../router.js';
import { ErrorBox, html, Loading, parseJson, useLoad } from '../ui.js';

async function loadAll() {
  const list = await get('/collections');
  const names = list.collections.map((c) => c.name).sort();
  const infos = await Promise.all(names.map((n) => get(`/collections/${enc(n)}`).catch((e) => ({ error: e }))));
  return names.map((name, i) => ({ name, info: infos[i] }));
}

function CreateForm({ onCreated }) {
  const [name, setName] = useState('');
  const [size, setSize] = useState('4');
  const [distance, setDistance] = useState('Cosine');
  const [advanced, setAdvanced] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const body = advanced.trim()
        ? parseJson(advanced, 'Configuration')
        : { vectors: { size: Number(size), distance } };
      await put(`/collections/${enc(name.trim())}`, body);
      onCreated(name.trim());
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`
    <form class="card" data-testid="create-collection" onSubmit=${submit}>
      <h3>Create collection</h3>
      <div class="row">
        <label>Name <input name="name" required value=${name} onInput=${(e) => setName(e.target.value)} /></label>
        <label
          >Vector size
          <input name="size" type="number" min="1" value=${size} onInput=${(e) => setSize(e.target.value)}
        /></label>
        <label
          >Distance
          <select name="distance" value=${distance} onChange=${(e) => setDistance(e.target.value)}>
            ${['Cosine', 'Dot', 'Euclid', 'Manhattan'].map((d) => html`<option>${d}</option>`)}
          </select>
        </label>
        <button type="submit" disabled=${busy || !name.trim()}>Create</button>
      </div>
      <details>
        <summary>Full configuration (Qdrant's create-collection body; replaces the fields above)</summary>
        <textarea
          name="config"
          rows="6"
          placeholder='{"vectors": {"size": 384, "distance": "Cosine"}, "hnsw_config": {"m": 16}}'
          value=${advanced}
          onInput=${(e) => setAdvanced(e.target.value)}
        ></textarea>
      </details>
      <${ErrorBox} error=${error} />
    </form>
  `;
}

export function Collections() {
  const state = useLoad(loadAll);
  return html`
    <h1>Collections</h1>
    <${Loading} state=${state}>
      ${state.data &&
      (state.data.length === 0
        ? html`<p class="muted" data-testid="no-collections">No collections yet.</p>`
        : html`
            <table data-testid="collections-table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Status</th>
                  <th>Optimizer</th>
                  <th class="num">Points</th>
                  <th class="num">Indexed vectors</th>
                  <th class="num">Segments</th>
                </tr>
              </thead>
              <tbody>
                ${state.data.map(
                  ({ name, info }) => html`
                    <tr data-collection=${name}>
                      <td><a ...${link(`/collections/${enc(name)}`)}>${name}</a></td>
                      ${info.error
                        ? html`<td colspan="5" class="error">${info.error.message}</td>`
                        : html`
                            <td><span class="status ${info.status}">${info.status}</span></td>
                            <td>${typeof info.optimizer_status === 'string' ? info.optimizer_status : 'error'}</td>
                            <td class="num">${info.points_count ?? '–'}</td>
                            <td class="num">${info.indexed_vectors_count ?? '–'}</td>
                            <td class="num">${info.segments_count ?? '–'}</td>
                          `}
                    </tr>
                  `,
                )}
              </tbody>
            </table>
          `)}
    <//>
    <button class="secondary" onClick=${state.reload}>Refresh</button>
    <${CreateForm} onCreated=${(n) => navigate(`/collections/${enc(n)}`)} />
  `;
}
