# Sourced by scripts/run, scripts/test and scripts/stop: a Python 3.12 virtualenv in .venv with exactly
# the packages of one lock, each checked against the hash the lock records (scripts/lock writes them).
# Usage: source scripts/_bootstrap.sh requirements-dev.lock
#        source scripts/_bootstrap.sh                 (no lock: only find_python, for scripts/lock)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
LOCK="${1:-}"

find_python() {
  if [ -n "${PYTHON:-}" ]; then echo "$PYTHON"; return; fi
  for candidate in python3.12 "$HOME"/.pyenv/versions/3.12*/bin/python3.12 /usr/local/bin/python3.12 /usr/bin/python3.12; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 12)' 2>/dev/null; then
      command -v "$candidate"; return
    fi
  done
  if command -v pyenv >/dev/null 2>&1; then
    local v; v=$(pyenv versions --bare 2>/dev/null | grep -E '^3\.12' | tail -1 || true)
    if [ -n "$v" ]; then echo "$(pyenv root)/versions/$v/bin/python3.12"; return; fi
  fi
  echo "Belong needs Python 3.12 (Django 6.1 requires it). Install it, or set PYTHON=/path/to/python3.12." >&2
  exit 1
}

if [ -z "$LOCK" ]; then return 0; fi

if [ ! -x .venv/bin/python ]; then
  echo "==> Creating .venv with $(find_python)"
  "$(find_python)" -m venv .venv
fi
STAMP=".venv/.installed-$(basename "$LOCK")-$(sha256sum "$LOCK" | cut -c1-16)"
if [ ! -f "$STAMP" ]; then
  echo "==> Installing $LOCK"
  .venv/bin/python -m pip install --quiet --upgrade pip
  # --require-hashes: a package whose file does not match the lock's hash is refused, not installed.
  # --no-deps: the lock already names every dependency.
  .venv/bin/python -m pip install --quiet --require-hashes --no-deps -r "$LOCK"
  .venv/bin/python -m pip check >/dev/null || .venv/bin/python -m pip check
  rm -f .venv/.installed-"$(basename "$LOCK")"-*
  touch "$STAMP"
fi
export PATH="$ROOT/.venv/bin:$PATH"
