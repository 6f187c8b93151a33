import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRequest } from '../src/views/console.js';
import { parseJsonl } from '../src/views/import.js';

test('console requests: METHOD path, optional JSON body, comments skipped', () => {
  assert.deepEqual(parseRequest('// list\nget collections'), { method: 'GET', path: '/collections', body: undefined });
  assert.deepEqual(parseRequest('POST /collections/c/points/query\n{"query": [1, 2],\n "limit": 3}'), {
    method: 'POST',
    path: '/collections/c/points/query',
    body: { query: [1, 2], limit: 3 },
  });
  assert.throws(() => parseRequest('FETCH collections'), /METHOD path/);
  assert.throws(() => parseRequest('POST collections/c/points/query\n{"query": [1,'), /not valid JSON/);
  assert.throws(() => parseRequest('// only a comment'), /Write a request/);
});

test('JSONL import: one point per line, blank lines skipped, errors name the line', () => {
  const points = parseJsonl('{"id": 1, "vector": [1, 0]}\n\n{"id": "5c56c793-69f3-4fbf-87e6-c4bf54c28c26", "vector": [0, 1]}\n');
  assert.equal(points.length, 2);
  assert.equal(points[1].id, '5c56c793-69f3-4fbf-87e6-c4bf54c28c26');
  assert.throws(() => parseJsonl('{"id": 1}\n{"id": 2,'), /Line 2 is not JSON/);
  assert.throws(() => parseJsonl('{"vector": [1]}'), /Line 1 has no "id"/);
});

test('REST JSON: integers beyond 2^53 stay exact (as strings), everything else as JSON.parse', async () => {
  const { parseJson } = await import('../src/api.js');
  const text =
    '{"peer_id":12738755532023155731,"peers":{"12153014279700953032":{"uri":"http://x:1/"}},' +
    '"ids":[1, 9007199254740991, 18446744073709551615],"s":"12738755532023155731","f":1.5e3,' +
    '"q":"a\\"b 12345678901234567890,"}';
  const v = parseJson(text);
  assert.equal(v.peer_id, '12738755532023155731');
  assert.deepEqual(Object.keys(v.peers), ['12153014279700953032']);
  assert.deepEqual(v.ids, [1, 9007199254740991, '18446744073709551615']);
  assert.equal(v.s, '12738755532023155731');
  assert.equal(v.f, 1500);
  assert.equal(v.q, 'a"b 12345678901234567890,');
});

test('the search tab example is a valid console request with a vector of the collection size', async () => {
  const { exampleQuery } = await import('../src/views/collection.js');
  const plain = parseRequest(exampleQuery('books', { params: { vectors: { size: 384, distance: 'Cosine' } } }));
  assert.equal(plain.path, '/collections/books/points/query');
  assert.equal(plain.body.query.length, 384);
  assert.equal(plain.body.using, undefined);
  const named = parseRequest(exampleQuery('b', { params: { vectors: { text: { size: 3, distance: 'Dot' } } } }));
  assert.deepEqual(named.body.query, [0.1, 0.2, 0.3]);
  assert.equal(named.body.using, 'text');
});

test('every console example parses', async () => {
  const { examples } = await import('../src/views/console.js');
  for (const [label, text] of examples('books')) {
    const r = parseRequest(text);
    assert.ok(r.path.startsWith('/'), label);
  }
});

test('freshness means: milliseconds under a second, seconds above, a dash before the first write', async () => {
  const { meanSeconds } = await import('../src/views/collection.js');
  assert.equal(meanSeconds({ count: 0, mean_seconds: null }), '–');
  assert.equal(meanSeconds(undefined), '–');
  assert.equal(meanSeconds({ count: 3, mean_seconds: 0.0123 }), '12.3 ms');
  assert.equal(meanSeconds({ count: 1, mean_seconds: 2.5 }), '2.50 s');
});
