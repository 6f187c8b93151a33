// Snapshots (collection and full): create, list, download, restore, delete; and the backup and
// restore-drill results the server exports on /metrics.
import { useState } from 'preact/hooks';
import { del, enc, get, getOptional, post, put, send, text } from '../api.js';
import { link } from '../router.js';
import { parse } from '../prom.js';
import { bytes, ErrorBox, html, Loading, useLoad, when } from '../ui.js';

/** Downloads a snapshot with the API key and hands it to the browser as a file. */
async function download(path, name) {
  const res = await send('GET', path, { raw: true });
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

/** Restores a collection from snapshot bytes (upload, priority snapshot). */
async function upload(collection, blob, fileName) {
  const form = new FormData();
  form.append('snapshot', blob, fileName);
  await send('POST', `/collections/${enc(collection)}/snapshots/upload?priority=snapshot&wait=true`, { body: form });
}

function SnapshotTable({ list, actions, testid }) {
  if (!list.length) return html`<p class="muted">No snapshots.</p>`;
  const sorted = [...list].sort((a, b) => String(b.creation_time).localeCompare(String(a.creation_time)));
  return html`<table data-testid=${testid}>
    <thead><tr><th>Name</th><th>Created</th><th class="num">Size</th><th>SHA-256</th><th></th></tr></thead>
    <tbody>
      ${sorted.map(
        (s) => html`<tr data-snapshot=${s.name}>
          <td class="mono small">${s.name}</td>
          <td>${s.creation_time || '–'}</td>
          <td class="num">${bytes(s.size)}</td>
          <td class="mono small" title=${s.checksum || ''}>${(s.checksum || '').slice(0, 12)}</td>
          <td class="actions">${actions(s)}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

export function CollectionSnapshots({ name }) {
  const base = `/collections/${enc(name)}/snapshots`;
  const state = useLoad(() => get(base), [name]);
  const [status, setStatus] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [target, setTarget] = useState(name);
  const [location, setLocation] = useState('');
  const act = async (what, fn) => {
    setBusy(true);
    setError(null);
    setStatus(`${what}…`);
    try {
      setStatus(await fn());
      state.reload();
    } catch (e) {
      setStatus(null);
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const into = target.trim() || name;
  const actions = (s) => html`
    <button class="secondary" disabled=${busy} onClick=${() => act('Downloading', async () => {
      await download(`${base}/${enc(s.name)}`, s.name);
      return `Downloaded ${s.name}`;
    })}>Download</button>
    <button data-action="restore" disabled=${busy} onClick=${() => act(`Restoring ${s.name}`, async () => {
      const res = await send('GET', `${base}/${enc(s.name)}`, { raw: true });
      await upload(into, await res.blob(), s.name);
      return `Restored ${s.name} into ${into}`;
    })}>Restore</button>
    <button class="danger" disabled=${busy} onClick=${() => act('Deleting', async () => {
      await del(`${base}/${enc(s.name)}`);
      return `Deleted ${s.name}`;
    })}>Delete</button>
  `;
  return html`
    <div class="row">
      <button data-action="create-snapshot" disabled=${busy} onClick=${() => act('Creating snapshot', async () => {
        const d = await post(`${base}?wait=true`);
        return `Created snapshot ${d.name}`;
      })}>Create snapshot</button>
      <label>Restore into collection <input name="restore-target" value=${target} onInput=${(e) => setTarget(e.target.value)} /></label>
    </div>
    ${status && html`<p class="ok" data-testid="snapshot-status">${status}</p>`}
    <${ErrorBox} error=${error} />
    <${Loading} state=${state}>${state.data && html`<${SnapshotTable} list=${state.data} actions=${actions} testid="snapshots-table" />`}<//>
    <div class="card">
      <h3>Restore from elsewhere</h3>
      <label>Snapshot file
        <input type="file" name="snapshot-file" accept=".snapshot" disabled=${busy} onChange=${(e) => {
          const f = e.target.files[0];
          if (f) act(`Uploading ${f.name}`, async () => {
            await upload(into, f, f.name);
            return `Restored ${f.name} into ${into}`;
          });
        }} />
      </label>
      <form class="row" onSubmit=${(e) => {
        e.preventDefault();
        act('Recovering', async () => {
          await put(`/collections/${enc(into)}/snapshots/recover?wait=true`, { location: location.trim(), priority: 'snapshot' });
          return `Recovered ${into} from ${location.trim()}`;
        });
      }}>
        <label>Location (file:// or http(s):// URL the server can read)
          <input name="location" value=${location} placeholder="file:///var/lib/sextant/snapshots/c/c-….snapshot" onInput=${(e) => setLocation(e.target.value)} />
        </label>
        <button type="submit" disabled=${busy || !location.trim()}>Recover</button>
      </form>
    </div>
  `;
}

function labelsOf(samples, name) {
  return samples.filter((s) => s.name === name);
}

async function loadBackups() {
  const samples = parse(await text('/metrics', true));
  const value = (name, unit) => {
    const s = samples.find((x) => x.name === name && x.labels.collection === unit);
    return s ? s.value : undefined;
  };
  const units = new Set([
    ...labelsOf(samples, 'sextant_backup_successes_total').map((s) => s.labels.collection),
    ...labelsOf(samples, 'sextant_restore_drill_ok').map((s) => s.labels.collection),
  ]);
  return [...units].filter(Boolean).sort().map((unit) => ({
    unit,
    lastSuccess: value('sextant_backup_last_success_timestamp_seconds', unit),
    duration: value('sextant_backup_duration_seconds', unit),
    size: value('sextant_backup_size_bytes', unit),
    shrink: value('sextant_backup_shrink_warning', unit),
    ok: value('sextant_backup_successes_total', unit),
    failed: value('sextant_backup_failures_total', unit),
    drillOk: value('sextant_restore_drill_ok', unit),
    drillAt: value('sextant_restore_drill_timestamp_seconds', unit),
  }));
}

function Backups() {
  const state = useLoad(loadBackups);
  return html`<button class="secondary" data-action="refresh-backups" onClick=${state.reload}>Refresh</button>
  <${Loading} state=${state}>
    ${state.data &&
    (state.data.length === 0
      ? html`<p class="muted" data-testid="no-backups">
          No scheduled backups on this server (configure <code>backup</code> in the config file; see README).
        </p>`
      : html`<table data-testid="backups-table">
          <thead><tr><th>Backed up</th><th>Last success</th><th class="num">Seconds</th><th class="num">Size</th>
            <th class="num">OK</th><th class="num">Failed</th><th>Restore drill</th></tr></thead>
          <tbody>
            ${state.data.map(
              (b) => html`<tr>
                <td>${b.unit}</td>
                <td>${when(b.lastSuccess)}</td>
                <td class="num">${b.duration === undefined ? '–' : b.duration.toFixed(1)}</td>
                <td class="num">${bytes(b.size)}${b.shrink ? html` <span class="warn" title="under half the previous backup">shrank</span>` : ''}</td>
                <td class="num">${b.ok ?? '–'}</td>
                <td class="num">${b.failed ?? '–'}</td>
                <td>${b.drillOk === undefined ? '–' : html`<span class="status ${b.drillOk ? 'green' : 'red'}">${b.drillOk ? 'passed' : 'FAILED'}</span> ${when(b.drillAt)}`}</td>
              </tr>`,
            )}
          </tbody>
        </table>`)}
  <//>`;
}

export function Snapshots() {
  const full = useLoad(() => getOptional('/snapshots'));
  const colls = useLoad(async () => {
    const names = (await get('/collections')).collections.map((c) => c.name).sort();
    const lists = await Promise.all(names.map((n) => get(`/collections/${enc(n)}/snapshots`).catch(() => null)));
    return names.map((n, i) => ({ name: n, list: lists[i] }));
  });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const createFull = async () => {
    setBusy(true);
    setError(null);
    try {
      await post('/snapshots?wait=true');
      full.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const fullActions = (s) => html`
    <button class="secondary" onClick=${() => download(`/snapshots/${enc(s.name)}`, s.name).catch(setError)}>Download</button>
    <button class="danger" onClick=${() => del(`/snapshots/${enc(s.name)}`).then(full.reload, setError)}>Delete</button>
  `;
  return html`
    <h1>Snapshots & backups</h1>
    <h2>Collection snapshots</h2>
    <${Loading} state=${colls}>
      ${colls.data &&
      html`<table>
        <thead><tr><th>Collection</th><th class="num">Snapshots</th><th>Newest</th></tr></thead>
        <tbody>
          ${colls.data.map(
            (c) => html`<tr>
              <td><a ...${link(`/collections/${enc(c.name)}/snapshots`)}>${c.name}</a></td>
              <td class="num">${c.list ? c.list.length : '–'}</td>
              <td>${c.list && c.list.length ? c.list.map((s) => s.creation_time).sort().pop() : '–'}</td>
            </tr>`,
          )}
        </tbody>
      </table>`}
    <//>
    <h2>Full snapshots</h2>
    <button disabled=${busy} onClick=${createFull}>Create full snapshot</button>
    <${ErrorBox} error=${error} />
    <${Loading} state=${full}>${full.data && html`<${SnapshotTable} list=${full.data} actions=${fullActions} testid="full-snapshots-table" />`}<//>
    <h2>Backups and restore drills</h2>
    <${Backups} />
  `;
}
