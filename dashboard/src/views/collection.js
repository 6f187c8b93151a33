// One collection: overview (status, config, segments, optimizations, payload schema) and tabs for
// the points browser, JSONL import, search and its snapshots.
import { useEffect, useState } from 'preact/hooks';
import { del, enc, get, getOptional, put } from '../api.js';
import { link, navigate } from '../router.js';
import { bytes, ErrorBox, html, Json, Loading, useLoad } from '../ui.js';
import { Points } from './points.js';
import { Import } from './import.js';
import { Console } from './console.js';
import { CollectionSnapshots } from './snapshots.js';

const TABS = [
  ['overview', 'Overview'],
  ['points', 'Points'],
  ['import', 'Import'],
  ['search', 'Search'],
  ['snapshots', 'Snapshots'],
];

async function segmentsOf(name) {
  try {
    const t = await getOptional('/telemetry?details_level=4');
    const c = (t.collections.collections || []).find((x) => x.id === name);
    if (!c) return [];
    return (c.shards || []).flatMap((s, shard) =>
      ((s.local && s.local.segments) || []).map((seg) => ({ shard: s.id ?? shard, ...seg.info })),
    );
  } catch (e) {
    return { error: e };
  }
}

async function loadOverview(name) {
  const [info, optimizations, segments, quality] = await Promise.all([
    get(`/collections/${enc(name)}`),
    get(`/collections/${enc(name)}/optimizations?with=queued,completed`).catch((e) => ({ error: e })),
    segmentsOf(name),
    get(`/collections/${enc(name)}/quality`).catch((e) => ({ error: e })),
  ]);
  return { info, optimizations, segments, quality };
}

/** Seconds an optimization took, or has run so far ("12 so far"). */
function seconds(progress) {
  if (!progress) return '–';
  if (progress.duration_sec !== undefined) return progress.duration_sec;
  const started = Date.parse(progress.started_at);
  return Number.isNaN(started) ? '…' : `${Math.max(0, Math.round((Date.now() - started) / 1000))} so far`;
}

function Optimizations({ value }) {
  if (value.error) return html`<p class="error">${value.error.message}</p>`;
  const s = value.summary || {};
  const rows = [...(value.running || []), ...(value.completed || []).slice(0, 10)];
  return html`
    <p data-testid="optimizations-summary">
      Running: <b>${(value.running || []).length}</b> · queued: <b>${s.queued_optimizations ?? 0}</b> (${s.queued_points ??
      0} points in ${s.queued_segments ?? 0} segments) · idle segments: <b>${s.idle_segments ?? 0}</b>
    </p>
    ${rows.length > 0 &&
    html`<table>
      <thead>
        <tr><th>Optimizer</th><th>Status</th><th class="num">Segments</th><th>Started</th><th class="num">Seconds</th></tr>
      </thead>
      <tbody>
        ${rows.map(
          (o) =>
            html`<tr>
              <td>${o.optimizer}</td>
              <td>${typeof o.status === 'string' ? o.status : `error: ${o.status && o.status.error}`}</td>
              <td class="num">${(o.segments || []).length}</td>
              <td>${(o.progress && o.progress.started_at) || '–'}</td>
              <td class="num">${seconds(o.progress)}</td>
            </tr>`,
        )}
      </tbody>
    </table>`}
  `;
}

function Segments({ value }) {
  if (value.error) return html`<p class="muted">Segments need global read access (${value.error.message}).</p>`;
  if (!value.length) return html`<p class="muted">No segments reported.</p>`;
  return html`<table data-testid="segments-table">
    <thead>
      <tr>
        <th>Shard</th><th>Segment</th><th>Type</th><th>Appendable</th><th class="num">Points</th>
        <th class="num">Indexed vectors</th><th class="num">Deleted</th><th class="num">Disk</th>
      </tr>
    </thead>
    <tbody>
      ${value.map(
        (s) => html`<tr>
          <td>${s.shard}</td>
          <td class="mono">${String(s.uuid).slice(0, 8)}</td>
          <td>${s.segment_type}</td>
          <td>${s.is_appendable ? 'yes' : 'no'}</td>
          <td class="num">${s.num_points}</td>
          <td class="num">${s.num_indexed_vectors}</td>
          <td class="num">${s.num_deleted_vectors}</td>
          <td class="num">${bytes(s.disk_usage_bytes)}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

/** A mean duration in seconds as text ("–" before the first write). */
export function meanSeconds(summary) {
  if (!summary || !summary.count || summary.mean_seconds === null || summary.mean_seconds === undefined) return '–';
  const s = summary.mean_seconds;
  return s < 1 ? `${(s * 1000).toFixed(1)} ms` : `${s.toFixed(2)} s`;
}

/** Live recall per vector and the freshness of writes (GET /collections/{c}/quality). */
function Quality({ value }) {
  if (value.error) return html`<p class="error">${value.error.message}</p>`;
  const lr = value.live_recall || {};
  const names = Object.keys(lr.vectors || {}).sort();
  const f = value.freshness || {};
  return html`
    <p class="muted small">
      ${`Live recall: ${((lr.sample_rate ?? 0) * 100).toFixed(1)} % of searches re-run exactly, threshold ` +
      `${lr.threshold}, ${lr.dropped_for_budget ?? 0} samples dropped for the CPU budget.`}
    </p>
    ${names.length === 0
      ? html`<p class="muted" data-testid="live-recall-empty">No sampled searches yet.</p>`
      : html`<table data-testid="live-recall">
          <thead><tr><th>Vector</th><th class="num">Recall@k</th><th class="num">Samples</th><th>State</th></tr></thead>
          <tbody>
            ${names.map((n) => {
              const r = lr.vectors[n];
              return html`<tr>
                <td class="mono">${n === '' ? '(default)' : n}</td>
                <td class="num">${r.recall === null ? '–' : r.recall.toFixed(3)}</td>
                <td class="num">${r.samples}</td>
                <td class=${r.low ? 'error' : ''}>${r.low ? 'LOW' : 'ok'}</td>
              </tr>`;
            })}
          </tbody>
        </table>`}
    ${Object.keys(value.result_health || {}).length > 0 &&
    html`<table data-testid="result-health">
      <thead>
        <tr><th>Vector</th><th class="num">Searches</th><th class="num">Zero results</th><th class="num">Filter pass</th>
        <th class="num">Top score p10 / p50 / p90</th></tr>
      </thead>
      <tbody>
        ${Object.entries(value.result_health).map(
          ([n, r]) => html`<tr>
            <td class="mono">${n === '' ? '(default)' : n}</td>
            <td class="num">${r.searches}</td>
            <td class="num">${r.zero_results}</td>
            <td class="num">${r.filter_pass_ratio === null ? '–' : `${(r.filter_pass_ratio * 100).toFixed(1)} %`}</td>
            <td class="num">${[r.top_score.p10, r.top_score.p50, r.top_score.p90].map((x) => (x === null ? '–' : x.toFixed(3))).join(' / ')}</td>
          </tr>`,
        )}
      </tbody>
    </table>`}
    <div class="facts" data-testid="freshness">
      <div><span>Last operation</span><b data-testid="last-operation">${f.last_operation_id ?? '–'}</b></div>
      <div><span>Indexing lag</span><b>${(f.indexing_lag_seconds ?? 0).toFixed(1)} s</b></div>
      <div><span>Write → searchable</span><b>${meanSeconds(f.to_searchable)}</b></div>
      <div><span>Write → indexed</span><b data-testid="to-indexed">${meanSeconds(f.to_indexed)}</b></div>
    </div>
  `;
}

const FIELD_TYPES = ['keyword', 'integer', 'float', 'bool', 'geo', 'text', 'datetime', 'uuid'];

function IndexForm({ name, onDone }) {
  const [field, setField] = useState('');
  const [type, setType] = useState('keyword');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await put(`/collections/${enc(name)}/index?wait=true`, { field_name: field.trim(), field_schema: type });
      setField('');
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<form class="row" data-testid="create-index" onSubmit=${submit}>
    <label>Field <input name="field" value=${field} onInput=${(e) => setField(e.target.value)} /></label>
    <label
      >Type
      <select name="type" value=${type} onChange=${(e) => setType(e.target.value)}>
        ${FIELD_TYPES.map((t) => html`<option>${t}</option>`)}
      </select>
    </label>
    <button type="submit" class="secondary" disabled=${busy || !field.trim()}>Index field</button>
    <${ErrorBox} error=${error} />
  </form>`;
}

function PayloadSchema({ schema }) {
  const keys = Object.keys(schema || {}).sort();
  if (!keys.length) return html`<p class="muted">No payload indexes.</p>`;
  return html`<table data-testid="payload-schema">
    <thead><tr><th>Field</th><th>Type</th><th class="num">Indexed points</th></tr></thead>
    <tbody>
      ${keys.map(
        (k) => html`<tr>
          <td class="mono">${k}</td>
          <td>${schema[k].data_type}</td>
          <td class="num">${schema[k].points ?? '–'}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

function Overview({ name }) {
  const state = useLoad(() => loadOverview(name), [name]);
  const d = state.data;
  // follow optimizations while they run (or the collection is not green yet)
  const busy = d && (d.info.status !== 'green' || (d.optimizations.running || []).length > 0);
  useEffect(() => {
    if (!busy) return undefined;
    const id = setInterval(state.reload, 3000);
    return () => clearInterval(id);
  }, [busy, state.reload]);
  return html`<${Loading} state=${state}>
    ${d &&
    html`
      <div class="facts" data-testid="collection-facts">
        <div><span>Status</span><b class="status ${d.info.status}" data-testid="collection-status">${d.info.status}</b></div>
        <div><span>Points</span><b data-testid="points-count">${d.info.points_count}</b></div>
        <div><span>Indexed vectors</span><b>${d.info.indexed_vectors_count}</b></div>
        <div><span>Segments</span><b>${d.info.segments_count}</b></div>
        <div>
          <span>Optimizer</span><b>${typeof d.info.optimizer_status === 'string' ? d.info.optimizer_status : 'error'}</b>
        </div>
      </div>
      <button class="secondary" onClick=${state.reload}>Refresh</button>
      ${busy && html`<span class="muted small"> refreshing every 3 s while optimizing</span>`}
      <h3>Quality and freshness</h3>
      <${Quality} value=${d.quality} />
      <h3>Optimizations</h3>
      <${Optimizations} value=${d.optimizations} />
      <h3>Segments</h3>
      <${Segments} value=${d.segments} />
      <h3>Payload schema</h3>
      <${PayloadSchema} schema=${d.info.payload_schema} />
      <${IndexForm} name=${name} onDone=${state.reload} />
      <h3>Configuration</h3>
      <${Json} value=${d.info.config} testid="collection-config" />
    `}
  <//>`;
}

/** A query of the right shape for the collection: a vector of its size (or of its first named vector). */
export function exampleQuery(name, config) {
  const vectors = (config && config.params && config.params.vectors) || {};
  const named = vectors.size === undefined ? Object.keys(vectors)[0] : undefined;
  const size = (named ? vectors[named].size : vectors.size) || 4;
  const query = Array.from({ length: size }, (_, i) => ((i % 9) + 1) / 10);
  const using = named ? `\n  "using": ${JSON.stringify(named)},` : '';
  return (
    `// nearest points (Qdrant's query request); Ctrl+Enter runs it\n` +
    `POST collections/${enc(name)}/points/query\n` +
    `{\n  "query": ${JSON.stringify(query)},${using}\n  "limit": 5,\n  "with_payload": true\n}`
  );
}

function Search({ name }) {
  const state = useLoad(() => get(`/collections/${enc(name)}`), [name]);
  return html`<${Loading} state=${state}>
    ${state.data && html`<${Console} initial=${exampleQuery(name, state.data.config)} />`}
  <//>`;
}

export function Collection({ name, tab }) {
  const base = `/collections/${enc(name)}`;
  const remove = async () => {
    if (!confirm(`Delete collection ${name} and all its points?`)) return;
    await del(base);
    navigate('/');
  };
  let body;
  switch (tab) {
    case 'points':
      body = html`<${Points} name=${name} />`;
      break;
    case 'import':
      body = html`<${Import} name=${name} />`;
      break;
    case 'search':
      body = html`<${Search} name=${name} />`;
      break;
    case 'snapshots':
      body = html`<${CollectionSnapshots} name=${name} />`;
      break;
    default:
      body = html`<${Overview} name=${name} />`;
  }
  return html`
    <div class="title-row">
      <h1><a ...${link('/')}>Collections</a> / <span data-testid="collection-name">${name}</span></h1>
      <button class="danger" onClick=${remove}>Delete collection</button>
    </div>
    <nav class="tabs">
      ${TABS.map(
        ([t, label]) => html`<a class=${t === tab ? 'active' : ''} data-tab=${t} ...${link(`${base}/${t}`)}>${label}</a>`,
      )}
    </nav>
    ${body}
  `;
}
