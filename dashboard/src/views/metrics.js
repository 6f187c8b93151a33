// Live charts from GET /metrics, scraped every 2 s while the view is open: requests per second,
// REST latency percentiles (from the response-duration histogram's increase between scrapes),
// search latency percentiles (the server's per-collection summaries) and indexing lag.
import { useEffect, useRef, useState } from 'preact/hooks';
import { text } from '../api.js';
import { histogramQuantile, parse, sum } from '../prom.js';
import { ErrorBox, html } from '../ui.js';

const KEEP = 90; // samples per chart (3 minutes at 2 s)
const EVERY_MS = 2000;
const COLORS = ['#2d7dd2', '#f2b632', '#d7263d', '#1b998b', '#8e44ad'];

function maxOf(samples, name, keep = () => true) {
  let m = null;
  for (const s of samples) if (s.name === name && keep(s.labels) && (m === null || s.value > m)) m = s.value;
  return m;
}

/** One point of every chart, from the previous and the current scrape. */
export function figures(prev, cur, seconds) {
  const reqs = sum(cur.samples, 'rest_responses_total');
  const rps = prev ? Math.max(0, reqs - sum(prev.samples, 'rest_responses_total')) / seconds : null;
  const ms = (v) => (v === null || v === undefined ? null : v * 1000);
  // the first scrape has no window: its histogram holds everything since the server started
  const q = (p) => (prev ? ms(histogramQuantile(prev.samples, cur.samples, 'rest_responses_duration_seconds', p)) : null);
  const sq = (p) => ms(maxOf(cur.samples, 'sextant_search_duration_seconds', (l) => l.quantile === p));
  return {
    rps: { rps },
    rest: { p50: q(0.5), p95: q(0.95), p99: q(0.99) },
    search: { p50: sq('0.5'), p95: sq('0.95'), p99: sq('0.99') },
    lagPoints: { points: sum(cur.samples, 'sextant_collection_indexing_lag_points') },
    lagSeconds: { seconds: maxOf(cur.samples, 'sextant_collection_indexing_lag_seconds') ?? 0 },
  };
}

function Chart({ title, unit, series, testid }) {
  const W = 600;
  const H = 160;
  const names = Object.keys(series[series.length - 1] || {});
  let max = 0;
  for (const p of series) for (const n of names) if (p[n] !== null && p[n] > max) max = p[n];
  max = max > 0 ? max * 1.1 : 1;
  const x = (i) => (i / (KEEP - 1)) * W;
  const y = (v) => H - (v / max) * (H - 10);
  const last = series[series.length - 1] || {};
  return html`<div class="chart" data-testid=${testid}>
    <h3>${title}</h3>
    <div class="legend">
      ${names.map(
        (n, i) => html`<span style=${`color:${COLORS[i]}`}>■ ${n} ${last[n] === null || last[n] === undefined ? '–' : fmt(last[n])} ${unit}</span>`,
      )}
    </div>
    <svg viewBox=${`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label=${title}>
      <line x1="0" y1=${H - 0.5} x2=${W} y2=${H - 0.5} class="axis" />
      <text x="4" y="12" class="axis-label">${fmt(max)} ${unit}</text>
      ${names.map((n, i) => {
        const pts = series
          .map((p, j) => (p[n] === null || p[n] === undefined ? null : `${x(j + KEEP - series.length).toFixed(1)},${y(p[n]).toFixed(1)}`))
          .filter(Boolean)
          .join(' ');
        return html`<polyline points=${pts} fill="none" stroke=${COLORS[i]} stroke-width="2" />`;
      })}
    </svg>
  </div>`;
}

function fmt(v) {
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

export function Metrics() {
  const [points, setPoints] = useState([]);
  const [error, setError] = useState(null);
  const prev = useRef(null);
  useEffect(() => {
    let stopped = false;
    const tick = async () => {
      try {
        const now = performance.now();
        const cur = { samples: parse(await text('/metrics')), at: now };
        const f = figures(prev.current, cur, prev.current ? (now - prev.current.at) / 1000 : 1);
        prev.current = cur;
        if (!stopped) setPoints((ps) => [...ps.slice(-(KEEP - 1)), f]);
        setError(null);
      } catch (e) {
        if (!stopped) setError(e);
      }
    };
    tick();
    const id = setInterval(tick, EVERY_MS);
    return () => {
      stopped = true;
      clearInterval(id);
    };
  }, []);
  const pick = (k) => points.map((p) => p[k]);
  return html`
    <h1>Metrics</h1>
    <p class="muted">From <code>/metrics</code> every ${EVERY_MS / 1000} s while this page is open.</p>
    <${ErrorBox} error=${error} />
    <div class="charts">
      <${Chart} title="Requests per second (REST)" unit="req/s" series=${pick('rps')} testid="chart-rps" />
      <${Chart} title="REST latency percentiles" unit="ms" series=${pick('rest')} testid="chart-rest-latency" />
      <${Chart} title="Search latency percentiles (slowest collection)" unit="ms" series=${pick('search')} testid="chart-search-latency" />
      <${Chart} title="Indexing lag (points not yet indexed)" unit="points" series=${pick('lagPoints')} testid="chart-lag-points" />
      <${Chart} title="Indexing lag (oldest unindexed write)" unit="s" series=${pick('lagSeconds')} testid="chart-lag-seconds" />
    </div>
  `;
}
