// The query console: requests in Qdrant's console syntax, a "METHOD path" line followed by an
// optional JSON body, e.g.
//   POST collections/books/points/query
//   {"query": [0.1, 0.2, 0.3], "limit": 3}
// Lines starting with // are comments. Ctrl+Enter runs the request.
import { useEffect, useState } from 'preact/hooks';
import { get, send } from '../api.js';
import { ErrorBox, html, Json } from '../ui.js';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

const EXAMPLE = `// Qdrant's request syntax: METHOD path, then a JSON body
GET collections`;

/** Parses console text into {method, path, body}; throws an Error saying what is wrong. */
export function parseRequest(text) {
  const lines = text.split('\n').filter((l) => !l.trim().startsWith('//'));
  const first = lines.findIndex((l) => l.trim());
  if (first < 0) throw new Error('Write a request: a "METHOD path" line, then an optional JSON body');
  const m = /^\s*([A-Za-z]+)\s+(\S+)\s*$/.exec(lines[first]);
  if (!m || !METHODS.includes(m[1].toUpperCase())) {
    throw new Error(`The first line must be "METHOD path" with METHOD one of ${METHODS.join(', ')}`);
  }
  const rest = lines.slice(first + 1).join('\n').trim();
  let body;
  if (rest) {
    try {
      body = JSON.parse(rest);
    } catch (e) {
      throw new Error(`The body is not valid JSON: ${e.message}`);
    }
  }
  const path = m[2].startsWith('/') ? m[2] : '/' + m[2];
  return { method: m[1].toUpperCase(), path, body };
}

export function Console({ initial }) {
  const [text, setText] = useState(initial || EXAMPLE);
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setError(null);
    setBusy(true);
    const started = performance.now();
    try {
      const req = parseRequest(text);
      const json = await send(req.method, req.path, { body: req.body });
      setResult({ ok: true, json, ms: performance.now() - started });
    } catch (e) {
      if (e.status) setResult({ ok: false, json: e.body, status: e.status, ms: performance.now() - started });
      else setResult(null);
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return html`
    <div class="console" data-testid="console">
      <textarea
        name="request"
        rows="12"
        spellcheck="false"
        value=${text}
        onInput=${(e) => setText(e.target.value)}
        onKeyDown=${(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            run();
          }
        }}
      ></textarea>
      <div class="row">
        <button onClick=${run} disabled=${busy}>Run (Ctrl+Enter)</button>
        ${result && html`<span class="muted">${result.ok ? 'ok' : `HTTP ${result.status}`} in ${result.ms.toFixed(0)} ms</span>`}
      </div>
      <${ErrorBox} error=${error} />
      ${result && result.json !== undefined && html`<${Json} value=${result.json} testid="console-result" />`}
    </div>
  `;
}

/** Example requests for the console page, on collection `c`. */
export function examples(c) {
  return [
    ['List collections', 'GET collections'],
    ['Collection info', `GET collections/${c}`],
    ['Create a collection', `PUT collections/${c}\n{\n  "vectors": {"size": 4, "distance": "Cosine"}\n}`],
    [
      'Upsert points',
      `PUT collections/${c}/points?wait=true\n{\n  "points": [\n    {"id": 1, "vector": [0.1, 0.2, 0.3, 0.4], "payload": {"city": "Berlin"}},\n    {"id": 2, "vector": [0.4, 0.3, 0.2, 0.1], "payload": {"city": "London"}}\n  ]\n}`,
    ],
    [
      'Query with a filter',
      `POST collections/${c}/points/query\n{\n  "query": [0.1, 0.2, 0.3, 0.4],\n  "filter": {"must": [{"key": "city", "match": {"value": "London"}}]},\n  "limit": 3,\n  "with_payload": true\n}`,
    ],
    ['Scroll points', `POST collections/${c}/points/scroll\n{\n  "limit": 10,\n  "with_payload": true\n}`],
    ['Count points', `POST collections/${c}/points/count\n{\n  "exact": true\n}`],
    ['Index a payload field', `PUT collections/${c}/index?wait=true\n{\n  "field_name": "city",\n  "field_schema": "keyword"\n}`],
    ['Optimizations', `GET collections/${c}/optimizations?with=queued,completed`],
    ['Create a snapshot', `POST collections/${c}/snapshots`],
    ['Telemetry', 'GET telemetry?details_level=2'],
  ];
}

/** The query console page: the console with example requests on the first collection. */
export function ConsolePage() {
  const [first, setFirst] = useState('my_collection');
  const [pick, setPick] = useState(0);
  useEffect(() => {
    get('/collections').then(
      (r) => r.collections.length && setFirst(r.collections.map((x) => x.name).sort()[0]),
      () => {},
    );
  }, []);
  const list = examples(first);
  return html`
    <h1>Query console</h1>
    <p class="muted">
      Any REST request in Qdrant's console syntax: <code>METHOD path</code> on the first line, then the JSON body.
    </p>
    <label
      >Examples
      <select name="example" value=${pick} onChange=${(e) => setPick(Number(e.target.value))}>
        ${list.map(([label], i) => html`<option value=${i}>${label}</option>`)}
      </select>
    </label>
    <${Console} key=${`${pick}-${first}`} initial=${list[pick][1]} />
  `;
}
