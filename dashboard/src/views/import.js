// JSONL import in the browser: one point per line ({"id": …, "vector": …, "payload": …}), from a
// file or pasted text, sent in batches with PUT points?wait=true.
import { useState } from 'preact/hooks';
import { enc, put } from '../api.js';
import { ErrorBox, html } from '../ui.js';

/** Parses JSONL into points; throws with the line number of the first bad line. */
export function parseJsonl(text) {
  const points = [];
  text.split('\n').forEach((line, i) => {
    const t = line.trim();
    if (!t) return;
    let p;
    try {
      p = JSON.parse(t);
    } catch (e) {
      throw new Error(`Line ${i + 1} is not JSON: ${e.message}`);
    }
    if (p === null || typeof p !== 'object' || p.id === undefined) throw new Error(`Line ${i + 1} has no "id"`);
    points.push(p);
  });
  return points;
}

export function Import({ name }) {
  const [text, setText] = useState('');
  const [batch, setBatch] = useState(256);
  const [progress, setProgress] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  const run = async (e) => {
    e.preventDefault();
    setError(null);
    setProgress(null);
    setBusy(true);
    try {
      const points = parseJsonl(text);
      const size = Math.max(1, Number(batch) || 256);
      for (let i = 0; i < points.length; i += size) {
        await put(`/collections/${enc(name)}/points?wait=true`, { points: points.slice(i, i + size) });
        setProgress({ done: Math.min(points.length, i + size), total: points.length, finished: false });
      }
      setProgress({ done: points.length, total: points.length, finished: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`
    <form class="card" data-testid="import-form" onSubmit=${run}>
      <p>
        One point per line: <code>{"id": 1, "vector": [0.1, 0.2], "payload": {"city": "Berlin"}}</code>. Ids are unsigned
        integers or UUIDs; a named vector is <code>"vector": {"name": [...]}</code>.
      </p>
      <label
        >JSONL file
        <input
          type="file"
          name="file"
          accept=".jsonl,.json,.ndjson,.txt"
          onChange=${async (e) => e.target.files[0] && setText(await e.target.files[0].text())}
      /></label>
      <label
        >or paste lines
        <textarea name="jsonl" rows="10" value=${text} onInput=${(e) => setText(e.target.value)}></textarea>
      </label>
      <div class="row">
        <label>Batch size <input type="number" min="1" value=${batch} onInput=${(e) => setBatch(e.target.value)} /></label>
        <button type="submit" disabled=${busy || !text.trim()}>Import</button>
      </div>
      ${progress &&
      html`<p data-testid="import-progress" class=${progress.finished ? 'ok' : ''}>
        <progress max=${progress.total} value=${progress.done}></progress>
        ${progress.finished ? `Imported ${progress.total} points` : `${progress.done} / ${progress.total} points…`}
      </p>`}
      <${ErrorBox} error=${error} />
    </form>
  `;
}
