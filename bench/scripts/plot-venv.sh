# Sourced by bin/bench: a Python venv with matplotlib, installed from this machine's configured package
# index (pip.conf points at the local mirror), kept in bench/work/venv-plot (git-ignored).
plot_python() {
  local venv="$ROOT/bench/work/venv-plot"
  if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import matplotlib' 2>/dev/null; then
    echo "bench: making $venv with matplotlib..." >&2
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install -q matplotlib >&2
  fi
  echo "$venv/bin/python"
}
