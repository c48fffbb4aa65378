#!/usr/bin/env bash
# Installs the Python baselines' packages into a virtual environment of their
# own (default .build-bench-venv, which git ignores) and prints its python.
# The tests never need these packages; only `make bench-compare` does.
set -euo pipefail
venv="${1:-.build-bench-venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv" >&2
fi
if ! "$venv/bin/python" -c "import pandas, polars, ahocorasick" 2>/dev/null; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    "pandas>=2.2" "polars>=1.20" "pyahocorasick>=2.1" >&2
fi
echo "$venv/bin/python"
