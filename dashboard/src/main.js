// Sextant's web dashboard: collections, points, query console, snapshots and backups, cluster and
// live metrics, all through the server's Qdrant-compatible REST API.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { apiKey, onAuthNeeded, setApiKey } from './api.js';
import { link, useRoute } from './router.js';
import { html } from './ui.js';
import { Collections } from './views/collections.js';
import { Collection } from './views/collection.js';
import { ConsolePage } from './views/console.js';
import { Snapshots } from './views/snapshots.js';
import { Cluster } from './views/cluster.js';
import { Metrics } from './views/metrics.js';
import './style.css';

const NAV = [
  ['/', 'Collections'],
  ['/console', 'Query console'],
  ['/snapshots', 'Snapshots & backups'],
  ['/cluster', 'Cluster'],
  ['/metrics', 'Metrics'],
];

function view(route) {
  const m = /^\/collections\/([^/]+)(?:\/([a-z]+))?$/.exec(route);
  if (m) return html`<${Collection} name=${decodeURIComponent(m[1])} tab=${m[2] || 'overview'} />`;
  switch (route) {
    case '/console':
      return html`<${ConsolePage} />`;
    case '/snapshots':
      return html`<${Snapshots} />`;
    case '/cluster':
      return html`<${Cluster} />`;
    case '/metrics':
      return html`<${Metrics} />`;
    default:
      return html`<${Collections} />`;
  }
}

function KeyPrompt({ refused, message, onKey, onCancel }) {
  const [key, setKey] = useState('');
  return html`
    <div class="modal-backdrop">
      <form
        class="modal"
        data-testid="api-key-prompt"
        onSubmit=${(e) => {
          e.preventDefault();
          onKey(key.trim());
        }}
      >
        <h2>${refused === 403 ? 'Another key needed' : 'API key needed'}</h2>
        <p>
          This server has authentication on${refused === 403
            ? ' and the current key may not do this (a read-only key, or a token for other collections)'
            : ''}. Enter an API key (or a JWT) to continue; it is kept in this browser tab only.
        </p>
        ${message && html`<p class="muted small">${message}</p>`}
        <label>
          API key
          <input
            type="password"
            name="api-key"
            autocomplete="off"
            autofocus
            value=${key}
            onInput=${(e) => setKey(e.target.value)}
          />
        </label>
        <button type="submit" disabled=${!key.trim()}>Connect</button>
        ${onCancel &&
        html`<button type="button" class="secondary" onClick=${onCancel}>Keep the current key</button>`}
      </form>
    </div>
  `;
}

function App() {
  const route = useRoute();
  const [auth, setAuth] = useState(null);
  const [epoch, setEpoch] = useState(0);
  useEffect(() => onAuthNeeded((status, message) => setAuth({ status, message })), []);
  const active = (r) => (r === '/' ? route === '/' || route.startsWith('/collections') : route === r);
  return html`
    <header class="top">
      <a class="brand" ...${link('/')}><img src="/dashboard/favicon.svg" alt="" /> Sextant</a>
      <nav>
        ${NAV.map(([r, label]) => html`<a class=${active(r) ? 'active' : ''} ...${link(r)}>${label}</a>`)}
      </nav>
      ${apiKey() &&
      html`<button
        class="link"
        onClick=${() => {
          setApiKey('');
          setEpoch(epoch + 1);
        }}
      >
        Forget key
      </button>`}
    </header>
    <main key=${epoch}>${view(route)}</main>
    ${auth &&
    html`<${KeyPrompt}
      refused=${apiKey() ? auth.status : 401}
      message=${auth.message}
      onKey=${(k) => {
        setApiKey(k);
        setAuth(null);
        setEpoch(epoch + 1);
      }}
      onCancel=${apiKey() && auth.status === 403 ? () => setAuth(null) : null}
    />`}
  `;
}

render(html`<${App} />`, document.getElementById('app'));
