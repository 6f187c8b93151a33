// End-to-end workflow through the official Qdrant JS client. Usage: node e2e.mjs http://127.0.0.1:PORT
// Exits non-zero (with the failing assertion) when anything differs from Qdrant's behaviour.
import assert from 'node:assert/strict';
import { QdrantClient } from '@qdrant/js-client-rest';

const url = process.argv[2];
const client = new QdrantClient({ url, checkCompatibility: true });
const name = 'js_e2e';
const step = (s) => console.log(`step: ${s}`);

step('create and recreate collection');
if ((await client.collectionExists(name)).exists) await client.deleteCollection(name);
assert.equal(await client.createCollection(name, { vectors: { size: 4, distance: 'Dot' } }), true);
await assert.rejects(client.createCollection(name, { vectors: { size: 4, distance: 'Dot' } }));
assert.equal(await client.recreateCollection(name, { vectors: { size: 4, distance: 'Cosine' } }), true);
assert.equal((await client.collectionExists(name)).exists, true);
const listed = await client.getCollections();
assert.ok(listed.collections.some((c) => c.name === name));

step('upsert points form');
let r = await client.upsert(name, {
  wait: true,
  points: [
    { id: 1, vector: [0.05, 0.61, 0.76, 0.74], payload: { city: 'Berlin', count: 10, tags: ['a', 'b'] } },
    { id: 2, vector: [0.19, 0.81, 0.75, 0.11], payload: { city: 'London', count: 20 } },
    { id: 3, vector: [0.36, 0.55, 0.47, 0.94], payload: { city: 'Moscow', count: 30 } },
    { id: '5c56c793-69f3-4fbf-87e6-c4bf54c28c26', vector: [0.18, 0.01, 0.85, 0.8], payload: { city: 'London', count: 40 } },
  ],
});
assert.equal(r.status, 'completed');

step('upsert batch form');
r = await client.upsert(name, {
  wait: true,
  batch: {
    ids: [4, 5, 6],
    vectors: [[0.24, 0.18, 0.22, 0.44], [0.35, 0.08, 0.11, 0.44], [0.9, 0.1, 0.1, 0.1]],
    payloads: [{ city: 'Berlin', count: 50 }, { city: 'Paris', count: 60 }, { city: 'Rome', count: 70 }],
  },
});
assert.equal(r.status, 'completed');
assert.equal((await client.count(name, { exact: true })).count, 7);

step('retrieve');
const got = await client.retrieve(name, { ids: [1, '5c56c793-69f3-4fbf-87e6-c4bf54c28c26'], with_payload: true, with_vector: true });
assert.equal(got.length, 2);
const p1 = got.find((p) => p.id === 1);
assert.equal(p1.payload.city, 'Berlin');
assert.equal(p1.vector.length, 4);

step('query with filter');
const londonFilter = { must: [{ key: 'city', match: { value: 'London' } }] };
const q = await client.query(name, { query: [0.2, 0.1, 0.9, 0.7], filter: londonFilter, limit: 3, with_payload: true });
assert.equal(q.points.length, 2);
for (const p of q.points) assert.equal(p.payload.city, 'London');
assert.ok(q.points[0].score >= q.points[1].score);

step('legacy search with filter (the 1.19 client dropped search(); plain fetch as older clients sent it)');
const legacy = await fetch(`${url}/collections/${name}/points/search`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ vector: [0.2, 0.1, 0.9, 0.7], filter: { must: [{ key: 'count', range: { gte: 30 } }] }, limit: 10 }),
});
assert.equal(legacy.status, 200);
const s = (await legacy.json()).result;
assert.equal(s.length, 5);
for (let i = 1; i < s.length; i++) assert.ok(s[i - 1].score >= s[i].score);

step('query batch and groups');
const batch = await client.queryBatch(name, {
  searches: [
    { query: [0.2, 0.1, 0.9, 0.7], limit: 2 },
    { query: [0.2, 0.1, 0.9, 0.7], filter: londonFilter, limit: 5 },
  ],
});
assert.equal(batch.length, 2);
assert.equal(batch[0].points.length, 2);
assert.equal(batch[1].points.length, 2);
const groups = await client.queryGroups(name, { query: [0.2, 0.1, 0.9, 0.7], group_by: 'city', group_size: 2, limit: 10 });
const london = groups.groups.find((g) => g.id === 'London');
assert.equal(london.hits.length, 2);
assert.equal(groups.groups.length, 5);

step('query by point id excludes the point');
const byId = await client.query(name, { query: 1, limit: 10 });
assert.ok(byId.points.every((p) => p.id !== 1));
assert.equal(byId.points.length, 6);

step('scroll with offset paging');
const seen = [];
let offset = undefined;
for (let page = 0; page < 10; page++) {
  const res = await client.scroll(name, { limit: 3, offset, with_payload: false });
  seen.push(...res.points.map((p) => p.id));
  offset = res.next_page_offset;
  if (offset === null || offset === undefined) break;
}
assert.equal(seen.length, 7);
assert.deepEqual(seen.slice(0, 6), [1, 2, 3, 4, 5, 6]);
assert.equal(seen[6], '5c56c793-69f3-4fbf-87e6-c4bf54c28c26');

step('count with filter');
assert.equal((await client.count(name, { filter: londonFilter, exact: true })).count, 2);

step('set and delete payload');
await client.setPayload(name, { payload: { visited: true }, points: [1, 2], wait: true });
let pts = await client.retrieve(name, { ids: [1, 2, 3], with_payload: true });
assert.equal(pts.find((p) => p.id === 1).payload.visited, true);
assert.equal(pts.find((p) => p.id === 3).payload.visited, undefined);
await client.deletePayload(name, { keys: ['visited'], points: [1], wait: true });
pts = await client.retrieve(name, { ids: [1, 2], with_payload: true });
assert.equal(pts.find((p) => p.id === 1).payload.visited, undefined);
assert.equal(pts.find((p) => p.id === 2).payload.visited, true);

step('create and delete payload index');
r = await client.createPayloadIndex(name, { field_name: 'city', field_schema: 'keyword', wait: true });
assert.equal(r.status, 'completed');
let info = await client.getCollection(name);
assert.equal(info.payload_schema.city.data_type, 'keyword');
assert.equal(info.payload_schema.city.points, 7);
assert.equal(info.points_count, 7);
const indexed = await client.count(name, { filter: londonFilter, exact: true });
assert.equal(indexed.count, 2);
await client.deletePayloadIndex(name, 'city', { wait: true });
info = await client.getCollection(name);
assert.equal(info.payload_schema.city, undefined);

step('aliases');
await client.updateCollectionAliases({ actions: [{ create_alias: { collection_name: name, alias_name: 'js_alias' } }] });
const aliases = await client.getCollectionAliases(name);
assert.deepEqual(aliases.aliases.map((a) => a.alias_name), ['js_alias']);
assert.equal((await client.count('js_alias', { exact: true })).count, 7);
await client.updateCollectionAliases({
  actions: [{ rename_alias: { old_alias_name: 'js_alias', new_alias_name: 'js_alias2' } }],
});
const all = await client.getAliases();
assert.ok(all.aliases.some((a) => a.alias_name === 'js_alias2' && a.collection_name === name));
await client.updateCollectionAliases({ actions: [{ delete_alias: { alias_name: 'js_alias2' } }] });
assert.equal((await client.getCollectionAliases(name)).aliases.length, 0);

step('delete points');
await client.delete(name, { points: [6], wait: true });
await client.delete(name, { filter: { must: [{ key: 'city', match: { value: 'Paris' } }] }, wait: true });
assert.equal((await client.count(name, { exact: true })).count, 5);

step('errors');
await assert.rejects(client.upsert(name, { wait: true, points: [{ id: 9, vector: [1, 2, 3] }] }), (e) => e.status === 400);
await assert.rejects(client.getCollection('no_such_collection'), (e) => e.status === 404);

step('delete collection');
assert.equal(await client.deleteCollection(name), true);
assert.equal((await client.collectionExists(name)).exists, false);
console.log('JS client end-to-end: OK');
