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
