// Drives Sextant's web dashboard in Debian's headless Chromium (playwright-core, no browser download):
// create collection -> import JSONL -> filtered points browser -> search in the query console ->
// snapshot (create, download) -> delete points -> restore -> the points are back; then the metrics,
// cluster and snapshots pages (with SEXTANT_E2E_BACKUPS set, the server runs scheduled backups and the
// snapshots page must show a passed restore drill; with SEXTANT_E2E_EXISTING=NAME the first list must
// show that collection). With an API key the page must first prompt for it, refuse a wrong one,
// and the REST API must refuse data calls without it.
//
//   node dashboard.mjs BASE_URL SHOTS_DIR PREFIX [API_KEY]
//
// Screenshots go to SHOTS_DIR/PREFIX-NN-step.png. Prints "Dashboard end-to-end: OK" and exits 0 on success.
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [base, shots, prefix, apiKey] = process.argv.slice(2);
if (!base || !shots || !prefix) {
  console.error('usage: node dashboard.mjs BASE_URL SHOTS_DIR PREFIX [API_KEY]');
  process.exit(2);
}
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const COLLECTION = 'dash_e2e';
const POINTS = 100;
mkdirSync(shots, { recursive: true });

let shot = 0;
let page;
const problems = [];

function check(ok, what) {
  if (!ok) throw new Error(`check failed: ${what}`);
  console.log(`ok - ${what}`);
}

async function snap(step) {
  shot += 1;
  const file = join(shots, `${prefix}-${String(shot).padStart(2, '0')}-${step}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`screenshot ${file}`);
}

async function tab(name) {
  await page.click(`nav.tabs a[data-tab="${name}"]`);
  await page.waitForURL(`**/dashboard/collections/${COLLECTION}/${name}`);
}

async function pointsCount() {
  await tab('overview');
  await page.click('button:has-text("Refresh")');
  const el = page.locator('[data-testid="points-count"]');
  await el.waitFor();
  return Number(await el.innerText());
}

/** Runs one request in the query console (the Search tab) and returns the parsed response. */
async function consoleRun(request) {
  await tab('search');
  await page.fill('[data-testid="console"] textarea', request);
  const before = await page.locator('[data-testid="console-result"]').count();
  await page.click('[data-testid="console"] button:has-text("Run")');
  if (before) await page.waitForTimeout(100);
  const out = page.locator('[data-testid="console-result"]');
  await out.waitFor();
  return JSON.parse(await out.innerText());
}

/** What a fetch from the page without any API key gets for GET /collections. */
function statusWithoutKey() {
  return page.evaluate(() => fetch('/collections').then((r) => r.status));
}

function jsonl() {
  const lines = [];
  for (let i = 0; i < POINTS; i++) {
    // point 7 is exactly [1, 0, 0, 0]; the others lean away from it
    const v = i === 7 ? [1, 0, 0, 0] : [0.1 + (i % 5) * 0.01, 1 + (i % 3), 0.5, (i % 7) * 0.2];
    lines.push(JSON.stringify({ id: i, vector: v, payload: { group: i % 2 === 0 ? 'even' : 'odd', n: i } }));
  }
  return lines.join('\n');
}

async function run() {
  await page.goto(`${base}/dashboard`);
  if (apiKey) {
    const prompt = page.locator('[data-testid="api-key-prompt"]');
    await prompt.waitFor();
    check(true, 'the dashboard prompts for the API key');
    check((await statusWithoutKey()) === 401, 'GET /collections without a key is refused with 401');
    await snap('key-prompt');
    await page.fill('[data-testid="api-key-prompt"] input[name="api-key"]', 'not-the-key');
    await page.click('[data-testid="api-key-prompt"] button[type="submit"]');
    await prompt.waitFor();
    check(true, 'a wrong key is refused and the prompt comes back');
    await page.fill('[data-testid="api-key-prompt"] input[name="api-key"]', apiKey);
    await page.click('[data-testid="api-key-prompt"] button[type="submit"]');
    await prompt.waitFor({ state: 'hidden' });
    check(true, 'the right key is accepted');
  }
  await page.locator('[data-testid="no-collections"], [data-testid="collections-table"]').first().waitFor();
  if (process.env.SEXTANT_E2E_EXISTING) {
    const existing = process.env.SEXTANT_E2E_EXISTING;
    await page.locator(`[data-testid="collections-table"] tr[data-collection="${existing}"]`).waitFor();
    check(true, `the collection list shows the existing collection ${existing}`);
  }
  await snap('collections');

  // create collection
  await page.fill('[data-testid="create-collection"] input[name="name"]', COLLECTION);
  await page.fill('[data-testid="create-collection"] input[name="size"]', '4');
  await page.selectOption('[data-testid="create-collection"] select[name="distance"]', 'Cosine');
  await page.click('[data-testid="create-collection"] button[type="submit"]');
  await page.waitForURL(`**/dashboard/collections/${COLLECTION}`);
  await page.locator('[data-testid="collection-config"]').waitFor();
  check((await page.locator('[data-testid="collection-config"]').innerText()).includes('"Cosine"'), 'the new collection shows its config');
  check(Number(await page.locator('[data-testid="points-count"]').innerText()) === 0, 'the new collection is empty');
  await snap('collection-created');

  // import
  await tab('import');
  await page.fill('[data-testid="import-form"] textarea[name="jsonl"]', jsonl());
  await page.click('[data-testid="import-form"] button[type="submit"]');
  await page.locator(`[data-testid="import-progress"]:has-text("Imported ${POINTS} points")`).waitFor();
  check(true, `the JSONL import reports ${POINTS} points`);
  await snap('imported');
  check((await pointsCount()) === POINTS, `the overview counts ${POINTS} points`);
  await page.fill('[data-testid="create-index"] input[name="field"]', 'group');
  await page.selectOption('[data-testid="create-index"] select[name="type"]', 'keyword');
  await page.click('[data-testid="create-index"] button[type="submit"]');
  const indexed = page.locator('[data-testid="payload-schema"] tr:has-text("group")');
  await indexed.waitFor();
  check((await indexed.innerText()).includes('keyword'), 'the payload schema shows the new keyword index on group');
  await page.locator('[data-testid="freshness"]').waitFor();
  check(Number(await page.locator('[data-testid="last-operation"]').innerText()) > 0, 'the overview shows the last operation id of the import');
  check(await page.locator('[data-testid="live-recall-empty"], [data-testid="live-recall"]').count() === 1, 'the overview shows the live recall section');
  await snap('overview');

  // points browser with a filter
  await tab('points');
  await page.locator('[data-testid="points-table"]').waitFor();
  await page.fill('[data-testid="points-filter"] textarea[name="filter"]', '{"must": [{"key": "group", "match": {"value": "even"}}]}');
  await page.click('[data-testid="points-filter"] button[type="submit"]');
  await page.locator(`[data-testid="points-match-count"]:has-text("${POINTS / 2}")`).waitFor();
  const shown = await page.locator('[data-testid="points-table"] tbody tr').allInnerTexts();
  check(shown.length > 0 && shown.every((t) => t.includes('"even"')), 'the filtered browser shows only matching points');
  await snap('points-filtered');
  const firstId = () => page.locator('[data-testid="points-table"] tbody tr').first().getAttribute('data-point-id');
  await page.click('button:has-text("Next")');
  await page.waitForFunction(() => document.querySelector('[data-testid="points-table"] tbody tr')?.dataset.pointId !== '0');
  check((await firstId()) === '40', 'the next filtered page starts at point 40');
  await page.click('button:has-text("Previous")');
  await page.waitForFunction(() => document.querySelector('[data-testid="points-table"] tbody tr')?.dataset.pointId === '0');

  // search in the query console (Qdrant's request syntax)
  const found = await consoleRun(
    `POST collections/${COLLECTION}/points/query\n{"query": [1, 0, 0, 0], "limit": 3, "with_payload": true}`,
  );
  check(found.result.points.length === 3 && found.result.points[0].id === 7, 'the query console finds point 7 first');
  await snap('search');

  // snapshot: create, download
  await tab('snapshots');
  await page.click('button[data-action="create-snapshot"]');
  const created = page.locator('[data-testid="snapshot-status"]:has-text("Created snapshot")');
  await created.waitFor({ timeout: 60000 });
  const snapshot = (await created.innerText()).replace('Created snapshot', '').trim();
  const row = page.locator(`[data-testid="snapshots-table"] tr[data-snapshot="${snapshot}"]`);
  await row.waitFor();
  check(true, `snapshot ${snapshot} is listed`);
  const [download] = await Promise.all([page.waitForEvent('download'), row.locator('button:has-text("Download")').click()]);
  const file = join(shots, `${prefix}-${snapshot}`);
  await download.saveAs(file);
  check(statSync(file).size > 0 && download.suggestedFilename() === snapshot, 'the snapshot downloads with its name');
  rmSync(file);
  await snap('snapshot-created');

  // change the data, then restore the snapshot
  await consoleRun(`POST collections/${COLLECTION}/points/delete?wait=true\n{"points": [0, 1, 2, 3, 4]}`);
  check((await pointsCount()) === POINTS - 5, 'five points deleted after the snapshot');
  await tab('snapshots');
  await page.locator(`[data-testid="snapshots-table"] tr[data-snapshot="${snapshot}"] button[data-action="restore"]`).click();
  await page.locator(`[data-testid="snapshot-status"]:has-text("Restored ${snapshot} into ${COLLECTION}")`).waitFor({ timeout: 120000 });
  check(true, 'the dashboard reports the restore');
  await snap('restored');
  check((await pointsCount()) === POINTS, `after the restore the collection has ${POINTS} points again`);
  await snap('overview-after-restore');

  // the other pages
  await page.click('header nav a:has-text("Query console")');
  await page.selectOption('select[name="example"]', { label: 'List collections' });
  await page.click('[data-testid="console"] button:has-text("Run")');
  const listed = page.locator('[data-testid="console-result"]');
  await listed.waitFor();
  check(JSON.parse(await listed.innerText()).result.collections.some((c) => c.name === COLLECTION), 'the console page lists the collection');
  await snap('console-page');
  await page.click('header nav a:has-text("Snapshots & backups")');
  await page.locator(`a:has-text("${COLLECTION}")`).waitFor();
  await page.locator('[data-testid="no-backups"], [data-testid="backups-table"]').first().waitFor();
  if (process.env.SEXTANT_E2E_BACKUPS) {
    // the server runs scheduled backups with restore drills: their results show up here
    const drill = page.locator(`[data-testid="backups-table"] tr:has-text("${COLLECTION}"):has-text("passed")`);
    for (let i = 0; i < 60 && !(await drill.count()); i++) {
      await page.waitForTimeout(1000);
      await page.click('button[data-action="refresh-backups"]');
    }
    check((await drill.count()) === 1, `the backups table shows a passed restore drill of ${COLLECTION}`);
  }
  await snap('snapshots-page');
  await page.click('header nav a:has-text("Cluster")');
  await page.locator('[data-testid="shards-table"]').waitFor();
  await snap('cluster');
  await page.click('header nav a:has-text("Metrics")');
  await page.locator('[data-testid="chart-rps"] polyline[points*=" "]').waitFor({ timeout: 20000 });
  const legend = await page.locator('[data-testid="chart-rps"] .legend').innerText();
  check(/req\/s/.test(legend), 'the metrics page charts requests per second');
  await snap('metrics');

  if (apiKey) {
    await page.click('header button:has-text("Forget key")');
    await page.locator('[data-testid="api-key-prompt"]').waitFor();
    check((await statusWithoutKey()) === 401, 'after forgetting the key the data calls are refused again');
    const readOnly = process.env.SEXTANT_E2E_READ_ONLY_KEY;
    if (readOnly) {
      // a read-only key browses; a change is refused with 403 and the user may keep the key
      await page.fill('[data-testid="api-key-prompt"] input[name="api-key"]', readOnly);
      await page.click('[data-testid="api-key-prompt"] button[type="submit"]');
      await page.click('header nav a:has-text("Collections")');
      await page.locator(`[data-testid="collections-table"] tr[data-collection="${COLLECTION}"]`).waitFor();
      check(true, 'a read-only key lists the collections');
      await page.fill('[data-testid="create-collection"] input[name="name"]', 'not_allowed');
      await page.click('[data-testid="create-collection"] button[type="submit"]');
      await page.locator('[data-testid="api-key-prompt"]:has-text("may not do this")').waitFor();
      await snap('read-only-refused');
      await page.click('[data-testid="api-key-prompt"] button:has-text("Keep the current key")');
      await page.locator('[data-testid="create-collection"] .error:has-text("403")').waitFor();
      check(true, 'a change with the read-only key is refused (403) and the key can be kept');
    }
  }
}

const profile = mkdtempSync(join(tmpdir(), 'sextant-chromium-'));
let context;
let failed = false;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  context.setDefaultTimeout(30000);
  page = context.pages()[0] || (await context.newPage());
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // with auth on, the refused calls (401 before the key, 403 for the wrong key) are logged by the browser
    if (m.type() === 'error' && !(apiKey && /status of 40[13]/.test(m.text()))) problems.push(`console: ${m.text()}`);
  });
  await run();
  check(problems.length === 0, `no page errors or console errors${problems.length ? ': ' + problems.join('; ') : ''}`);
  console.log('Dashboard end-to-end: OK');
} catch (e) {
  failed = true;
  console.error(e && e.stack ? e.stack : e);
  if (problems.length) console.error('page problems:\n' + problems.join('\n'));
  if (page) await page.screenshot({ path: join(shots, `${prefix}-failure.png`), fullPage: true }).catch(() => {});
} finally {
  if (context) await context.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
