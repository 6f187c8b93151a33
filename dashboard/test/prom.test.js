import assert from 'node:assert/strict';
import { test } from 'node:test';
import { histogramQuantile, parse, sum } from '../src/prom.js';

const TEXT = `# HELP rest_responses_total REST responses
# TYPE rest_responses_total counter
rest_responses_total{endpoint="/collections",method="GET",status="200"} 7.0
rest_responses_total{endpoint="/metrics",method="GET",status="200"} 3
sextant_search_duration_seconds{collection="a \\"q\\"",quantile="0.99"} 0.25
up +Inf
`;

test('parses names, labels with escapes and values', () => {
  const s = parse(TEXT);
  assert.equal(s.length, 4);
  assert.deepEqual(s[0].labels, { endpoint: '/collections', method: 'GET', status: '200' });
  assert.equal(s[2].labels.collection, 'a "q"');
  assert.equal(s[2].value, 0.25);
  assert.equal(s[3].value, Infinity);
  assert.equal(sum(s, 'rest_responses_total'), 10);
  assert.equal(sum(s, 'rest_responses_total', (l) => l.endpoint === '/metrics'), 3);
});

function buckets(counts) {
  const les = ['0.01', '0.1', '1', '+Inf'];
  return parse(les.map((le, i) => `h_seconds_bucket{le="${le}"} ${counts[i]}`).join('\n'));
}

test('histogram quantile over the increase between two scrapes', () => {
  const prev = buckets([100, 100, 100, 100]); // old requests, all fast
  const cur = buckets([100, 110, 200, 200]); // since then: 10 in (0.01, 0.1], 90 in (0.1, 1]
  assert.equal(histogramQuantile(prev, cur, 'h_seconds', 0.05), 0.01 + (0.1 - 0.01) * (5 / 10));
  assert.equal(histogramQuantile(prev, cur, 'h_seconds', 0.55), 0.1 + (1 - 0.1) * (45 / 90));
  assert.equal(histogramQuantile(prev, cur, 'h_seconds', 0.99) > 0.9, true);
  assert.equal(histogramQuantile(cur, cur, 'h_seconds', 0.5), null, 'no requests in the window');
});

test('a quantile in the +Inf bucket reports the largest finite bound', () => {
  const cur = buckets([0, 0, 0, 5]);
  assert.equal(histogramQuantile(null, cur, 'h_seconds', 0.5), 1);
});
