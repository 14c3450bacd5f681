#!/usr/bin/env bash
# Installs what the tests need beyond the Rust toolchain: the peer tools calcheck is compared with.
# Idempotent: installs only what is missing. Called by .ci/run; safe to run by hand.
set -euo pipefail

need_apt=()
command -v pffexport >/dev/null 2>&1 || need_apt+=(pff-tools)
command -v readpst >/dev/null 2>&1 || need_apt+=(pst-utils)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "ci-deps: installing ${need_apt[*]} with apt-get" >&2
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

py=python3
if ! $py -c "import extract_msg" >/dev/null 2>&1; then
  echo "ci-deps: installing extract-msg with pip" >&2
  $py -m pip install --quiet --disable-pip-version-check --root-user-action=ignore "extract-msg==0.57.0"
fi

# The fuzz targets are built (not run) by `cargo xtask ci`; cargo-fuzz builds them on stable with `-s none`.
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "ci-deps: installing cargo-fuzz with cargo install" >&2
  cargo install --quiet --locked cargo-fuzz
fi
