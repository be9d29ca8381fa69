#!/usr/bin/env bash
# Runs the whole test suite; fails loudly, and treats "no tests ran" (pytest exit 5) as a failure.
set -uo pipefail
PY="${1:-python}"
"$PY" -m pytest -q -p no:cacheprovider "${@:2}"
status=$?
if [ "$status" -eq 5 ]; then
  echo "run-tests: pytest collected no tests — failing" >&2
  exit 1
fi
exit "$status"
