# Sourced by scripts/run and scripts/test: make ./.venv with mediamon installed.
# Needs Python >= 3.11 with venv; on Debian/Ubuntu installs python3-venv when run as root.
set -euo pipefail
PY=${PYTHON:-python3}
if ! command -v "$PY" >/dev/null 2>&1; then
  echo "mediamon: $PY not found. Install Python 3.11 or newer (Debian/Ubuntu: apt-get install python3 python3-venv)" >&2
  exit 1
fi
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "mediamon: $("$PY" --version) is too old; Python 3.11 or newer is needed (set PYTHON=python3.11)" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  if ! "$PY" -m venv .venv >/dev/null 2>&1; then
    rm -rf .venv
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      ver=$("$PY" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
      apt-get update -qq && (apt-get install -y -qq "python$ver-venv" || apt-get install -y -qq python3-venv)
      "$PY" -m venv .venv
    else
      echo "mediamon: Python's venv module is missing. Install it: sudo apt-get install python3-venv" >&2
      exit 1
    fi
  fi
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".${MEDIAMON_EXTRAS:-}"
