#!/usr/bin/env bash
# A fuzzing campaign: each target in turn for SLICE seconds, round after
# round, until ROUNDS rounds are done or the file fuzz/STOP exists. The
# targets are built once at the start and the built binaries run directly,
# so editing the crate meanwhile neither rebuilds nor changes what is fuzzed.
# Each slice's final libFuzzer figures (executions, coverage, corpus) go to
# fuzz/logs/campaign.tsv, one line per slice; the full logs stay in
# fuzz/logs/. Crashes land in fuzz/artifacts/<target>/.
#   [NO_BUILD=1] fuzz/campaign.sh [SLICE] [ROUNDS] [TARGET…]
set -uo pipefail
cd "$(dirname "$0")/.."
slice=${1:-600}
rounds=${2:-1}
shift 2 2>/dev/null || shift $#
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(parse_text pdf_input office_input rule_pack rhai_script lsp_messages)
mkdir -p fuzz/logs
[ -d fuzz/corpus ] || fuzz/seed.sh
# NO_BUILD=1 runs the targets as last built (campaigns run side by side,
# or one after another on the same build while the crate is being edited).
[ -n "${NO_BUILD:-}" ] || (cd fuzz && cargo +nightly fuzz build -s none) || exit 2
bin=fuzz/target/x86_64-unknown-linux-gnu/release
tsv=fuzz/logs/campaign.tsv
[ -e "$tsv" ] || printf 'started\ttarget\tseconds\texecutions\tcoverage\tfeatures\tcorpus\tcrashes\n' >"$tsv"
for round in $(seq 1 "$rounds"); do
    for t in "${targets[@]}"; do
        [ -e fuzz/STOP ] && exit 0
        log=fuzz/logs/$t.$(date +%Y%m%dT%H%M%S).log
        mkdir -p "fuzz/artifacts/$t" "fuzz/corpus/$t"
        started=$(date -u +%FT%TZ)
        "$bin/$t" -artifact_prefix="fuzz/artifacts/$t/" -max_total_time="$slice" \
            -dict=fuzz/report.dict -rss_limit_mb=2048 -timeout=30 -print_final_stats=1 \
            "fuzz/corpus/$t" >"$log" 2>&1
        execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)
        last=$(grep -E '^#[0-9]+' "$log" | tail -1)
        cov=$(grep -oE 'cov: [0-9]+' <<<"$last" | grep -oE '[0-9]+')
        ft=$(grep -oE 'ft: [0-9]+' <<<"$last" | grep -oE '[0-9]+')
        corp=$(grep -oE 'corp: [0-9]+' <<<"$last" | grep -oE '[0-9]+')
        crashes=$(grep -cE '^==[0-9]+==|^SUMMARY|Test unit written' "$log")
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$started" "$t" "$slice" "${execs:-0}" \
            "${cov:-}" "${ft:-}" "${corp:-}" "$crashes" >>"$tsv"
        echo "round $round $t: ${execs:-0} executions, $last"
        grep -E "^(==|SUMMARY|artifact_prefix|Test unit written)" "$log" | head -5
    done
done
