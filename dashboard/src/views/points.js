// The points browser: pages through a collection with points/scroll and an optional Qdrant filter,
// and counts the matches with points/count.
import { useEffect, useState } from 'preact/hooks';
import { enc, post } from '../api.js';
import { ErrorBox, html, parseJson } from '../ui.js';

function preview(vector) {
  if (vector === undefined || vector === null) return '';
  const s = JSON.stringify(vector);
  return s.length > 80 ? s.slice(0, 77) + '…' : s;
}

export function Points({ name }) {
  const [filter, setFilter] = useState('');
  const [limit, setLimit] = useState(20);
  const [withVector, setWithVector] = useState(false);
  const [pages, setPages] = useState([null]); // offsets of the pages seen, for "previous"
  const [page, setPage] = useState(null);
  const [count, setCount] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  const load = async (offset, history) => {
    setBusy(true);
    setError(null);
    try {
      const f = filter.trim() ? parseJson(filter, 'Filter') : undefined;
      const body = { limit: Number(limit) || 20, with_payload: true, with_vector: withVector };
      if (f) body.filter = f;
      if (offset !== null && offset !== undefined) body.offset = offset;
      const [res, c] = await Promise.all([
        // an offset id beyond 2^53 arrives as a string (see parseJson): send it back as a number
        post(`/collections/${enc(name)}/points/scroll`, JSON.stringify(body).replace(/"offset":"(\d+)"/, '"offset":$1')),
        post(`/collections/${enc(name)}/points/count`, { exact: true, ...(f ? { filter: f } : {}) }),
      ]);
      setPage(res);
      setCount(c.count);
      setPages(history);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    load(null, [null]);
  }, [name]);

  const current = pages[pages.length - 1];
  return html`
    <form
      class="card"
      data-testid="points-filter"
      onSubmit=${(e) => {
        e.preventDefault();
        load(null, [null]);
      }}
    >
      <label
        >Filter (Qdrant filter JSON, empty for all points)
        <textarea
          name="filter"
          rows="4"
          placeholder='{"must": [{"key": "city", "match": {"value": "Berlin"}}]}'
          value=${filter}
          onInput=${(e) => setFilter(e.target.value)}
        ></textarea>
      </label>
      <div class="row">
        <label>Page size <input type="number" min="1" max="1000" value=${limit} onInput=${(e) => setLimit(e.target.value)} /></label>
        <label class="check"
          ><input type="checkbox" checked=${withVector} onChange=${(e) => setWithVector(e.target.checked)} /> vectors</label
        >
        <button type="submit" disabled=${busy}>Apply</button>
      </div>
    </form>
    <${ErrorBox} error=${error} />
    ${page &&
    html`
      <p>
        <b data-testid="points-match-count">${count}</b> matching points ·
        showing ${page.points.length} from offset ${current === null ? 'start' : JSON.stringify(current)}
      </p>
      <table data-testid="points-table">
        <thead><tr><th>ID</th><th>Payload</th>${withVector && html`<th>Vector</th>`}</tr></thead>
        <tbody>
          ${page.points.map(
            (p) => html`<tr data-point-id=${String(p.id)}>
              <td class="mono">${String(p.id)}</td>
              <td class="mono small">${JSON.stringify(p.payload)}</td>
              ${withVector && html`<td class="mono small">${preview(p.vector)}</td>`}
            </tr>`,
          )}
        </tbody>
      </table>
      <div class="row">
        <button class="secondary" disabled=${busy || pages.length < 2} onClick=${() => load(pages[pages.length - 2], pages.slice(0, -1))}>
          Previous
        </button>
        <button
          class="secondary"
          disabled=${busy || page.next_page_offset === null || page.next_page_offset === undefined}
          onClick=${() => load(page.next_page_offset, [...pages, page.next_page_offset])}
        >
          Next
        </button>
      </div>
    `}
  `;
}
