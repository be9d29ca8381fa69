#!/usr/bin/env bash
# Installs Debian's Chromium and the Playwright Python package (which drives it; no browser
# download: tests launch /usr/bin/chromium). Idempotent; needs root (as on CI) or sudo.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
PY="${PYTHON:-python}"
"$PY" -m pip install -q "playwright>=1.40"
