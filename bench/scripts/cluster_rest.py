"""REST helpers shared by the cluster benchmarks (cluster_failover.py, cluster_transfer.py)."""
import json
import time
import urllib.error
import urllib.request


def parse(raw):
    """JSON when the body is JSON, else its first 200 characters (e.g. /readyz answers text)."""
    try:
        return json.loads(raw or b"null")
    except ValueError:
        return raw[:200].decode(errors="replace")


def call(base, method, path, body=None, timeout=60):
    """(status, parsed body); connection errors raise OSError."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, parse(r.read())
    except urllib.error.HTTPError as e:
        return e.code, parse(e.read())


def must(base, method, path, body=None, tries=200):
    """The body of a 200 answer, retried every 0.25 s (peers starting, metadata lag); exits after {tries}."""
    last = None
    for _ in range(tries):
        try:
            status, res = call(base, method, path, body)
            if status == 200:
                return res
            last = (status, res)
        except OSError as e:
            last = str(e)
        time.sleep(0.25)
    raise SystemExit(f"{method} {path} on {base} failed: {last}")


def load_avg():
    with open("/proc/loadavg") as f:
        return f.read().split()[:3]
