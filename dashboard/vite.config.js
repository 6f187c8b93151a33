// Vite build of the dashboard. The server serves the output under /dashboard/ from its class path;
// build.sh passes the output directory (the server module's target/classes/dashboard) in
// SEXTANT_DASHBOARD_OUT. `npm run dev` proxies the REST API to a local server on 6333.
import { defineConfig } from 'vite';

const api = process.env.SEXTANT_URL || 'http://127.0.0.1:6333';
const proxied = ['/collections', '/cluster', '/metrics', '/telemetry', '/snapshots', '/issues', '/aliases', '/readyz'];

export default defineConfig({
  base: '/dashboard/',
  build: {
    outDir: process.env.SEXTANT_DASHBOARD_OUT || 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    chunkSizeWarningLimit: 400,
  },
  server: {
    proxy: Object.fromEntries(proxied.map((p) => [p, api])),
  },
});
