#!/usr/bin/env bash
# Run every lrviz test: unit tests of the core, page tests (AppTest) and end-to-end tests in
# headless Chromium against `streamlit run app.py` and `scripts/serve.sh`. Installs what the tests
# need first: the pinned Python packages, Debian's Chromium (Playwright drives it; nothing is
# downloaded by Playwright itself), Debian's nginx (serve.sh puts it in front of the app) and
# npm, which fetches the pinned axe-core once (the accessibility tests inject it into the pages).
# Runs the linter (ruff) first. Extra arguments go to pytest, e.g. `bash scripts/test.sh -k draw`.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v npm >/dev/null || missing+=(npm)  # fetches axe-core once (below)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# axe-core (npm), the accessibility checker the browser tests inject into every page: pinned by
# version and checksum, fetched once with npm into a git-ignored cache (tests/test_e2e_a11y.py).
AXE_VERSION=4.14.1
AXE_SHA512=FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==
axe_dir=.cache/axe-core-$AXE_VERSION
if [ ! -f "$axe_dir/axe.min.js" ]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "axe-core@$AXE_VERSION" >/dev/null)
  sum=$(python3 -c 'import base64, hashlib, sys; print(base64.b64encode(hashlib.sha512(open(sys.argv[1], "rb").read()).digest()).decode())' "$tmp/axe-core-$AXE_VERSION.tgz")
  [ "$sum" = "$AXE_SHA512" ] || { echo "axe-core $AXE_VERSION: checksum mismatch" >&2; rm -rf "$tmp"; exit 1; }
  mkdir -p "$axe_dir"
  tar -xzf "$tmp/axe-core-$AXE_VERSION.tgz" -C "$tmp" package/axe.min.js package/LICENSE
  mv "$tmp/package/axe.min.js" "$tmp/package/LICENSE" "$axe_dir/"
  rm -rf "$tmp"
fi

# The linter first (ruff; its rules are in pyproject.toml): a lint error fails the run.
python3 -m ruff check --quiet .

# Extra arguments: one pytest run with them. None: the whole suite on both cores (pytest-xdist):
# the tests without a browser, then the browser tests a file to each core (each core its own server
# and Chromium), then the few that count what a browser shows while a run trains, with nothing beside
# them (marked `alone`).
if [ $# -gt 0 ]; then
  exec python3 -m pytest "$@"
fi
status=0
python3 -m pytest -m "not e2e" -n 2 || status=$?
python3 -m pytest -m "e2e and not alone" -n 2 --dist loadfile || status=$?
python3 -m pytest -m "e2e and alone" || status=$?
exit $status
