#!/usr/bin/env bash
# Installs what the tests need beyond the Rust toolchain: the peer tools calcheck is compared with
# (libpff's pffexport, libpst's readpst, PyPI extract-msg), a C++ compiler for the fuzz targets' libFuzzer,
# and cargo-fuzz. Idempotent: installs only what is missing. Called by .ci/run; safe to run by hand.
set -euo pipefail

SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
apt_updated=""
apt_install() {
  echo "ci-deps: installing $* with apt-get" >&2
  if [ -z "$apt_updated" ]; then $SUDO apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

need_apt=()
command -v pffexport >/dev/null 2>&1 || need_apt+=(pff-tools)
command -v readpst >/dev/null 2>&1 || need_apt+=(pst-utils)
command -v c++ >/dev/null 2>&1 || need_apt+=(g++)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
if command -v python3 >/dev/null 2>&1 && ! python3 -m pip --version >/dev/null 2>&1; then need_apt+=(python3-pip); fi
if [ ${#need_apt[@]} -gt 0 ]; then apt_install "${need_apt[@]}"; fi
if ! python3 -m pip --version >/dev/null 2>&1; then apt_install python3-pip; fi

if ! python3 -c "import extract_msg" >/dev/null 2>&1; then
  echo "ci-deps: installing extract-msg with pip" >&2
  pip_args=(--quiet --disable-pip-version-check --root-user-action=ignore "extract-msg==0.57.0")
  # Debian's own Python refuses pip installs outside a venv (PEP 668); the tests call python3 directly,
  # so on such a system the package goes into the system site-packages on purpose.
  python3 -m pip install "${pip_args[@]}" 2>/dev/null \
    || python3 -m pip install --break-system-packages "${pip_args[@]}"
fi

# The fuzz targets are built (not run) by `cargo xtask ci`; cargo-fuzz builds them on stable with `-s none`.
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "ci-deps: installing cargo-fuzz with cargo install" >&2
  cargo install --quiet --locked cargo-fuzz
fi
