#!/usr/bin/env bash
# Runs the Windows build of calcheck (calcheck.exe, x86_64-pc-windows-gnu) under Wine on every corpus
# file, the sample calendar and a batch folder, and compares its reports with the Linux build's.
# Paths (Z:\work\... against /work/...) and line ends are normalised before comparing; anything
# else that differs is a portability bug. Not part of CI: it needs Wine, mingw-w64 and the Rust
# target, which this script names when they are missing.
#
# Usage: scripts/wine-compare.sh [EXTRA_INPUT...]   (run from the repository root)
#
# Debian's Wine 8.0 has no bcryptprimitives.dll, which Rust's standard library loads on Windows 10
# and later for random bytes; scripts/wine/bcryptprimitives.c is a test-only stand-in built next
# to calcheck.exe. It is never shipped: real Windows has the DLL.
set -euo pipefail

root=$(pwd)
shared=${SHARED:-$root/../shared}
target=x86_64-pc-windows-gnu
win_dir=$root/target-win/$target/release

missing=()
command -v wine >/dev/null || missing+=("wine (Debian: apt-get install wine64)")
command -v x86_64-w64-mingw32-gcc >/dev/null || missing+=("x86_64-w64-mingw32-gcc (Debian: apt-get install gcc-mingw-w64-x86-64)")
rustup target list --installed 2>/dev/null | grep -qx "$target" || missing+=("Rust target $target (rustup target add $target)")
if ((${#missing[@]})); then
    printf 'wine-compare: missing %s\n' "${missing[@]}" >&2
    exit 2
fi

CARGO_TARGET_DIR=$root/target-win cargo build --quiet --release --target "$target" -p calcheck-cli
cargo build --quiet --release -p calcheck-cli
x86_64-w64-mingw32-gcc -shared -O2 -o "$win_dir/bcryptprimitives.dll" \
    "$root/scripts/wine/bcryptprimitives.c" -ladvapi32

exe=$win_dir/calcheck.exe
linux=$root/target/release/calcheck
work=$(mktemp -d)
export WINEDEBUG=-all
# One Wine server for the whole run: starting one per program raced with the previous one's
# shutdown ("wine client error: recvmsg") on the first runs.
wineserver -p
trap 'wineserver -k 2>/dev/null || true; rm -rf "$work"' EXIT
wine cmd /c exit >/dev/null 2>&1 || true

# A Linux path as Wine's Z: drive shows it to a Windows program.
winpath() { printf 'Z:%s' "${1//\//\\}"; }

# Report text with Windows paths, JSON-escaped backslashes and CRLF turned into the Linux form,
# and the two output folders into one name.
normalise() {
    sed -e 's/\r$//' -e 's#Z:\\\\#/#g' -e 's#Z:\\#/#g' -e 's#\\\\#/#g' -e 's#\\#/#g' \
        -e "s#$work/[lw]/#OUT/#g"
}

mkdir -p "$work/batch"
inputs=()
while IFS= read -r f; do inputs+=("$f"); done < <(find "$shared/corpus" -type f ! -name '*.md' | sort)
inputs+=("$root/testdata/sample-calendar")
# Extra inputs as absolute paths, so that both builds are given the same file under Z:.
for f in "$@"; do inputs+=("$(realpath "$f")"); done
# Batch mode: a folder of PSTs, one of them unreadable.
for f in aspose__Test_part1.pst aspose__AddingBulkMessagesWithImprovedPerformance.pst javalibpst__dist-list.pst; do
    cp "$shared/corpus/pst/$f" "$work/batch/" 2>/dev/null || true
done
inputs+=("$work/batch")

run() { # side binary input out
    local side=$1 bin=$2 input=$3 out=$4 status=0
    if [[ $side == w ]]; then
        wine "$bin" "$(winpath "$input")" -O "$(winpath "$out")" -A -q --now 2025-06-01 \
            --fail-on never >"$out.stdout" 2>"$out.stderr" || status=$?
        echo "exit $status" >>"$out.stdout"
        wine "$bin" "$(winpath "$input")" --format json -o "$(winpath "$out.json")" \
            --now 2025-06-01 --fail-on never >/dev/null 2>&1 || true
    else
        "$bin" "$input" -O "$out" -A -q --now 2025-06-01 --fail-on never \
            >"$out.stdout" 2>"$out.stderr" || status=$?
        echo "exit $status" >>"$out.stdout"
        "$bin" "$input" --format json -o "$out.json" --now 2025-06-01 --fail-on never \
            >/dev/null 2>&1 || true
    fi
}

mkdir -p "$work/l" "$work/w"
n=0
for input in "${inputs[@]}"; do
    name=$(basename "$input")
    run l "$linux" "$input" "$work/l/$name"
    run w "$exe" "$input" "$work/w/$name"
    n=$((n + 1))
done

files=0
differ=0
while IFS= read -r rel; do
    files=$((files + 1))
    if [[ ! -f $work/w/$rel ]]; then
        differ=$((differ + 1))
        echo "missing from calcheck.exe's output: $rel"
    elif ! cmp -s <(normalise <"$work/l/$rel") <(normalise <"$work/w/$rel"); then
        differ=$((differ + 1))
        echo "differs: $rel"
        diff <(normalise <"$work/l/$rel") <(normalise <"$work/w/$rel") | head -8 || true
    fi
done < <(cd "$work/l" && find . -type f | sort)
# A file only the Windows build wrote is a difference too.
only_w=$(diff <(cd "$work/l" && find . -type f | sort) <(cd "$work/w" && find . -type f | sort) | grep -c '^>' || true)

echo "wine-compare: $n inputs, $files files from the Linux build (reports, standard output with the exit code, standard error); $differ differ, $only_w written only by calcheck.exe"
[[ $differ -eq 0 && $only_w -eq 0 ]]
