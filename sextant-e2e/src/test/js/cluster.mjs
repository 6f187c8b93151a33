// The official Qdrant JS client against every peer of a 3-peer cluster.
// Usage: [QDRANT_API_KEY=...] node cluster.mjs URL1 URL2 URL3. Exits non-zero (with the failing
// assertion) on any difference.
import assert from 'node:assert/strict';
import { QdrantClient } from '@qdrant/js-client-rest';

const urls = process.argv.slice(2);
assert.equal(urls.length, 3, 'three peer URLs');
const apiKey = process.env.QDRANT_API_KEY || undefined;
const clients = urls.map((url) => new QdrantClient({ url, apiKey, checkCompatibility: true }));
const name = 'js_cluster';
const step = (s) => console.log(`step: ${s}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function eventually(what, probe) {
  let last;
  for (let i = 0; i < 100; i++) {
    try {
      last = await probe();
      if (last === true) return;
    } catch (e) {
      last = e;
    }
    await sleep(100);
  }
  assert.fail(`${what}: ${last}`);
}

step('create a collection with 6 shards x 2 replicas through peer 1');
if ((await clients[0].collectionExists(name)).exists) await clients[0].deleteCollection(name);
assert.equal(
  await clients[0].createCollection(name, {
    vectors: { size: 4, distance: 'Cosine' },
    shard_number: 6,
    replication_factor: 2,
  }),
  true,
);
for (const c of clients) await eventually('collection on every peer', async () => (await c.collectionExists(name)).exists);

step('shards spread 4/4/4');
for (const [i, c] of clients.entries()) {
  const info = await c.collectionClusterInfo(name);
  assert.equal(info.shard_count, 6, `peer ${i + 1}: shard_count`);
  assert.equal(info.local_shards.length, 4, `peer ${i + 1}: local replicas`);
  assert.equal(info.remote_shards.length, 8, `peer ${i + 1}: remote replicas`);
  for (const s of info.local_shards) assert.equal(s.state, 'Active');
}

step('upsert through every peer');
const vec = (i) => [Math.sin(i), Math.cos(i), Math.sin(2 * i), 1 + (i % 7)];
for (const [i, c] of clients.entries()) {
  const points = [];
  for (let k = 0; k < 40; k++) {
    const id = (i + 1) * 1000 + k;
    points.push({ id, vector: vec(id), payload: { via: i + 1, k } });
  }
  const r = await c.upsert(name, { wait: true, points });
  assert.equal(r.status, 'completed');
}

step('every peer sees every point');
for (const [i, c] of clients.entries()) {
  assert.equal((await c.count(name, { exact: true })).count, 120, `count through peer ${i + 1}`);
  const other = ((i + 1) % 3) + 1;
  const got = await c.retrieve(name, { ids: [other * 1000, other * 1000 + 39], with_payload: true, with_vector: true });
  assert.equal(got.length, 2, `retrieve through peer ${i + 1}`);
  for (const p of got) assert.equal(p.payload.via, other);
  const q = await c.query(name, { query: vec(2005), limit: 5, with_payload: true });
  assert.equal(q.points.length, 5);
  assert.equal(q.points[0].id, 2005, `nearest through peer ${i + 1}`);
  const filtered = await c.query(name, {
    query: vec(1),
    filter: { must: [{ key: 'via', match: { value: 3 } }] },
    limit: 100,
  });
  assert.equal(filtered.points.length, 40, `filtered query through peer ${i + 1}`);
  const scrolled = await c.scroll(name, { limit: 200, with_payload: false });
  assert.equal(scrolled.points.length, 120);
}

step('payload index, set payload and delete through different peers');
await clients[1].createPayloadIndex(name, { field_name: 'via', field_schema: 'integer', wait: true });
await clients[2].setPayload(name, { points: [1000, 1001], payload: { tagged: true }, wait: true });
await clients[0].delete(name, { points: [3000, 3001, 3002], wait: true });
for (const [i, c] of clients.entries()) {
  assert.equal((await c.count(name, { exact: true })).count, 117, `count after delete through peer ${i + 1}`);
  const tagged = await c.count(name, { exact: true, filter: { must: [{ key: 'tagged', match: { value: true } }] } });
  assert.equal(tagged.count, 2);
  const schema = (await c.getCollection(name)).payload_schema;
  assert.ok(schema.via, `payload index visible through peer ${i + 1}`);
}

step('delete the collection through peer 3');
assert.equal(await clients[2].deleteCollection(name), true);
for (const c of clients) await eventually('gone on every peer', async () => !(await c.collectionExists(name)).exists);

console.log('JS client cluster: OK');
