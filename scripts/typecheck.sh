#!/usr/bin/env bash
# mypy on linter/ and cli/ as the package they install as: kefulint (linter/) with kefulint.cli
# (cli/) and kefulint.rulesets (rulesets/) inside it. mypy cannot follow setuptools' package-dir
# mapping, so a tree of symlinks in build/typecheck/ gives it that layout; the paths in its
# messages are mapped back to the repository's.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${1:-python}"
tree=build/typecheck/kefulint
rm -rf build/typecheck
mkdir -p "$tree"
for entry in linter/*; do
  ln -s "../../../$entry" "$tree/$(basename "$entry")"
done
ln -s ../../../cli "$tree/cli"
ln -s ../../../rulesets "$tree/rulesets"
"$PY" -m mypy -p kefulint 2>&1 | sed -e 's#^build/typecheck/kefulint/cli/#cli/#' -e 's#^build/typecheck/kefulint/rulesets/#rulesets/#' \
  -e 's#^build/typecheck/kefulint/#linter/#'
exit "${PIPESTATUS[0]}"
