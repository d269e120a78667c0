#!/usr/bin/env bash
# gouji against the tools it should be as fast as: one run, side by side.
#
#   bench/compare.sh            # builds the release binary, then measures
#   RUNS=20 bench/compare.sh    # more runs per command (default 10)
#   GOUJI=/tmp/old/gouji bench/compare.sh   # measure that binary instead
#                                 (no build): the "before" of a change
#
# Needs hyperfine, ripgrep (rg), pdftotext (poppler-utils), GNU time
# (/usr/bin/time) and python3. Measures, for issue 15's goals:
#   batch     1,000 copies of the seed, full pack: gouji on 1 thread and on
#             all cores, against `rg -j1` counting figures in the same bytes
#   start-up  `gouji check` of a one-page report
#   memory    peak RSS on the seed and on a 2 MB report
#   pdf       gouji on the corpus PDFs against `pdftotext -layout` on them
# The criterion benches (cargo bench) stay for the parts; this is the whole
# process as a user runs it. Run it on an idle machine: figures taken while
# something else compiles are worth little.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$here/../shared}
runs=${RUNS:-10}
cores=$(nproc)

for tool in hyperfine rg pdftotext python3 /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "compare.sh: $tool is missing" >&2; exit 2; }
done
seed=$(ls "$shared"/seeds/*.txt | head -1)
[ -f "$seed" ] || { echo "compare.sh: no seed report under $shared/seeds" >&2; exit 2; }

if [ -n "${GOUJI:-}" ]; then
    gouji=$GOUJI
else
    (cd "$here" && cargo build --release --quiet)
    gouji=$here/target/release/gouji
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The batch: 1,000 copies of the seed, as a province's year would be.
mkdir "$work/batch"
for i in $(seq -w 1 1000); do cp "$seed" "$work/batch/r$i.txt"; done
batch_bytes=$(cat "$work"/batch/*.txt | wc -c)
# One page of the seed (its first 60 lines) for start-up.
head -n 60 "$seed" >"$work/page.txt"
# A 2 MB report: the seed's body repeated, one file.
while [ "$(wc -c <"$work/big.txt" 2>/dev/null || echo 0)" -lt 2000000 ]; do
    cat "$seed" >>"$work/big.txt"
done

figure='[0-9][0-9,]*(\.[0-9]+)?%?'
check="$gouji check --color never --fail-on never --format json -o /dev/null"

hf() { hyperfine --style basic --runs "$runs" --warmup 1 --export-json "$@"; }

echo "== batch: 1,000 × $(wc -c <"$seed") B = $batch_bytes B, $cores cores"
hf "$work/batch.json" -N \
    -n "gouji 1 thread" "env RAYON_NUM_THREADS=1 $check $work/batch" \
    -n "gouji $cores threads" "env RAYON_NUM_THREADS=$cores $check $work/batch" \
    -n "rg -j1, one regex" "rg -j1 --count-matches '$figure' $work/batch"

echo "== start-up: one page ($(wc -c <"$work/page.txt") B)"
hf "$work/startup.json" -N \
    -n "gouji one page" "$check $work/page.txt"

pdfs=$(ls "$shared"/corpus/*.pdf 2>/dev/null | tr '\n' ' ')
if [ -n "$pdfs" ]; then
    echo "== pdf: $(echo $pdfs | wc -w) corpus PDFs, one thread each"
    hf "$work/pdf.json" \
        -n "gouji check (pdf)" "env RAYON_NUM_THREADS=1 $check $pdfs" \
        -n "pdftotext -layout" "for f in $pdfs; do pdftotext -layout \$f /dev/null; done"
fi

echo "== memory (peak RSS)"
rss() { /usr/bin/time -f %M $check "$1" 2>&1 >/dev/null | tail -1; }
seed_kb=$(rss "$seed")
big_kb=$(rss "$work/big.txt")

python3 - "$work" "$batch_bytes" "$(wc -c <"$seed")" "$(wc -c <"$work/big.txt")" \
    "$seed_kb" "$big_kb" "$cores" <<'EOF'
import json, os, sys
work, batch_bytes, seed_bytes, big_bytes, seed_kb, big_kb, cores = sys.argv[1:]
def means(name):
    path = os.path.join(work, name)
    if not os.path.exists(path):
        return {}
    return {r["command"]: r for r in json.load(open(path))["results"]}
b = means("batch.json")
one, many, rg = b["gouji 1 thread"], b[f"gouji {cores} threads"], b["rg -j1, one regex"]
print("\n== summary (medians)            measured        goal")
print(f"batch, 1 thread            {1000 / one['median']:8.0f} reports/s   >= 2500")
print(f"  against rg -j1           {one['median'] / rg['median']:8.1f}x           <= 10x")
print(f"  speed-up on {cores} threads     {one['median'] / many['median']:8.2f}x           >= 1.8x on 2")
s = means("startup.json")["gouji one page"]
print(f"start-up, one page         {s['median'] * 1000:8.1f} ms          < 20 ms")
print(f"peak RSS, seed ({int(seed_bytes)//1000} KB)    {int(seed_kb) / 1000:8.1f} MB          < 50 MB")
print(f"peak RSS, 2 MB report      {int(big_kb) * 1000 / int(big_bytes):8.1f}x input      <= 10x")
p = means("pdf.json")
if p:
    g, t = p["gouji check (pdf)"], p["pdftotext -layout"]
    print(f"pdf, whole check           {g['median'] / t['median']:8.2f}x pdftotext <= 0.5x")
EOF
