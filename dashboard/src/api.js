// REST calls to the Sextant server the page was loaded from. Every call sends the API key kept in
// sessionStorage (when one was entered); a 401 or 403 asks the user for a key again (see
// onAuthNeeded) and fails the call with an ApiError.

const KEY = 'sextant.apiKey';
let authListener = () => {};

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

/** The API key of this tab, or ''. */
export function apiKey() {
  return sessionStorage.getItem(KEY) || '';
}

export function setApiKey(key) {
  if (key) sessionStorage.setItem(KEY, key);
  else sessionStorage.removeItem(KEY);
}

/** Registers the function called with the refused status when the server refuses the key. */
export function onAuthNeeded(fn) {
  authListener = fn;
}

function headers(extra) {
  const h = { ...extra };
  const key = apiKey();
  if (key) h['api-key'] = key;
  return h;
}

/**
 * fetch() with the key; refusals (401/403) are reported to the auth listener and thrown. With
 * `quiet`, a 403 is only thrown: for extras a narrower key may not see (telemetry, metrics), whose
 * absence the view shows itself instead of asking for another key.
 */
export async function send(method, path, { body, raw, headers: extra, quiet } = {}) {
  const init = { method, headers: headers(extra) };
  if (body instanceof FormData || body instanceof Blob) {
    init.body = body;
  } else if (body !== undefined && body !== null) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    init.headers['content-type'] = 'application/json';
  }
  const res = await fetch(path, init);
  if (res.status === 401 || res.status === 403) {
    const text = await res.text();
    if (!(quiet && res.status === 403)) authListener(res.status, errorText(text));
    throw new ApiError(res.status, errorText(text) || res.statusText, text);
  }
  if (raw) {
    if (!res.ok) throw new ApiError(res.status, errorText(await res.text()) || res.statusText);
    return res;
  }
  const text = await res.text();
  let json;
  try {
    json = text ? parseJson(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) throw new ApiError(res.status, errorText(text) || res.statusText, json ?? text);
  return json;
}

/**
 * JSON.parse that keeps integers beyond 2^53 exact by reading them as strings: peer ids and u64
 * point ids are such numbers, and a JavaScript number would silently round them.
 */
export function parseJson(text) {
  return JSON.parse(
    text.replace(BIG_INT, (match, string, digits) =>
      string !== undefined || Number.isSafeInteger(Number(digits)) ? match : `"${digits}"`,
    ),
  );
}

// a JSON string (matched first, so digits inside strings are left alone) or an integer value of
// 16+ digits (after ':', '[' or ',', before ',', '}' or ']')
const BIG_INT = /("(?:[^"\\]|\\.)*")|(?<=[:\[,]\s*)(-?\d{16,})(?=\s*[,}\]])/g;

function errorText(text) {
  try {
    const j = JSON.parse(text);
    return (j && j.status && j.status.error) || text;
  } catch {
    return text;
  }
}

/** The `result` of a JSON call. */
export async function call(method, path, body, options = {}) {
  const json = await send(method, path, { ...options, body });
  return json && typeof json === 'object' && 'result' in json ? json.result : json;
}

export const get = (path) => call('GET', path);
/** GET of something the current key may not be allowed to see: a 403 does not prompt for a key. */
export const getOptional = (path) => call('GET', path, undefined, { quiet: true });
export const post = (path, body) => call('POST', path, body ?? {});
export const put = (path, body) => call('PUT', path, body ?? {});
export const del = (path) => call('DELETE', path);

/** The body of a text endpoint (/metrics); `quiet` as for send. */
export async function text(path, quiet = false) {
  const res = await send('GET', path, { raw: true, quiet });
  return res.text();
}

export const enc = encodeURIComponent;
