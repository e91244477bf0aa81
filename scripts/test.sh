#!/usr/bin/env bash
# Run every lrviz test: unit tests of the core, page tests (AppTest) and end-to-end tests in
# headless Chromium against `streamlit run app.py` and `scripts/serve.sh`. Installs what the tests
# need first: the pinned Python packages, Debian's Chromium (Playwright drives it; nothing is
# downloaded by Playwright itself) and Debian's nginx (serve.sh puts it in front of the app).
# Runs the linter (ruff) first. Extra arguments go to pytest, e.g. `bash scripts/test.sh -k draw`.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The linter first (ruff; its rules are in pyproject.toml): a lint error fails the run.
python3 -m ruff check --quiet .

exec python3 -m pytest "$@"
