// A small parser for the Prometheus text exposition format (what GET /metrics answers), and the
// figures the metrics charts derive from two successive scrapes.

/** Parses exposition text into samples {name, labels, value}. Comments and blank lines are skipped. */
export function parse(text) {
  const out = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    out.push({ name: m[1], labels: labels(m[3] || ''), value: number(m[4]) });
  }
  return out;
}

function labels(s) {
  const out = {};
  const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
  let m;
  while ((m = re.exec(s))) out[m[1]] = m[2].replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
  return out;
}

function number(s) {
  if (s === '+Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  return Number(s);
}

/** Sum of all samples named `name` whose labels pass `keep`. */
export function sum(samples, name, keep = () => true) {
  let t = 0;
  for (const s of samples) if (s.name === name && keep(s.labels)) t += s.value;
  return t;
}

/** The quantile `q` (0..1) of a histogram's increase between two scrapes, from its cumulative buckets. */
export function histogramQuantile(prev, cur, name, q) {
  const buckets = new Map();
  const add = (samples, sign) => {
    for (const s of samples) {
      if (s.name !== name + '_bucket') continue;
      const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
      buckets.set(le, (buckets.get(le) || 0) + sign * s.value);
    }
  };
  add(cur, 1);
  if (prev) add(prev, -1);
  const sorted = [...buckets.entries()].sort((a, b) => a[0] - b[0]);
  const total = sorted.length ? sorted[sorted.length - 1][1] : 0;
  if (total <= 0) return null;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const [le, count] of sorted) {
    if (count >= rank) {
      if (le === Infinity) return lowerBound;
      const inBucket = count - lowerCount;
      return inBucket <= 0 ? le : lowerBound + ((le - lowerBound) * (rank - lowerCount)) / inBucket;
    }
    lowerBound = le;
    lowerCount = count;
  }
  return lowerBound;
}
