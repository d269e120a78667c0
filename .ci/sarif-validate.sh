#!/bin/sh
# Validate gouji's SARIF output with Microsoft's SARIF validator
# (@microsoft/sarif-multitool, from the npm registry; needs node >= 18).
#
# Usage: .ci/sarif-validate.sh [PATH-TO-GOUJI]
#   Without an argument (or $GOUJI), builds gouji with cargo first.
#   $SARIF_MULTITOOL overrides the npm package spec (pinned by default).
#
# Checks the SARIF of: the sample with the shipped pack; a copy with a wrong
# share (findings with related locations); the GB18030 fixture (byte offsets
# in another encoding); a missing input (tool notification); a stale baseline
# entry and an unused suppression (results located in gouji's own files).
# Fails when the validator reports any error.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)

GOUJI=${1:-${GOUJI:-}}
if [ -z "$GOUJI" ]; then
    cargo build --quiet
    GOUJI="${CARGO_TARGET_DIR:-$root/target}/debug/gouji"
fi
case "$GOUJI" in /*) ;; *) GOUJI="$root/$GOUJI" ;; esac
TOOL=${SARIF_MULTITOOL:-@microsoft/sarif-multitool@5.7.0}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# gouji exits 0, 1 (findings) or 2 (input errors); all fine here, but not a crash.
gouji() {
    rc=0
    "$GOUJI" "$@" || rc=$?
    if [ "$rc" -gt 2 ]; then
        echo "sarif-validate: gouji $* exited $rc" >&2
        exit 1
    fi
}

sample=fixtures/jiangjin_egov_2024_final.txt
gouji check "$sample" --format sarif > "$work/sample.sarif"
gouji check fixtures/jiangjin_egov_2024_final.gb18030.txt --format sarif > "$work/gb18030.sarif"

sed 's/占比78.41%/占比79.41%/' "$sample" > "$work/report.txt"
cd "$work"
gouji check report.txt --format sarif > mutated.sarif
gouji check report.txt missing.txt --format sarif > missing.sarif
gouji check report.txt --write-baseline baseline.toml --format sarif > /dev/null 2>&1
cp "$root/$sample" report.txt
cat > gouji.toml <<'TOML'
[[suppress]]
rule = "share-of-total"
text = "12.34%"
reason = "an entry that matches nothing"
TOML
gouji check report.txt --config gouji.toml --baseline baseline.toml --output-sarif stale.sarif > /dev/null
cd "$root"

npx --yes "$TOOL" validate "$work"/*.sarif > "$work/validate.log" 2>&1 || {
    cat "$work/validate.log"
    echo "sarif-validate: the validator failed to run" >&2
    exit 1
}
cat "$work/validate.log"
if grep -Eq ': error [A-Z]+[0-9]+' "$work/validate.log"; then
    echo "sarif-validate: the SARIF validator reported errors" >&2
    exit 1
fi
for f in "$work"/*.sarif; do
    grep -q '"results"' "$f" || { echo "sarif-validate: $f has no results array" >&2; exit 1; }
done
echo "sarif-validate: $(ls "$work"/*.sarif | wc -l) SARIF logs valid"
