#!/usr/bin/env bash
# A fuzzing campaign: each target in turn for SLICE seconds, round after
# round, until ROUNDS rounds are done or the file fuzz/STOP exists. Prints
# each slice's last libFuzzer status line (executions, coverage) and keeps
# the logs in fuzz/logs/. Crashes land in fuzz/artifacts/<target>/.
#   fuzz/campaign.sh [SLICE] [ROUNDS]
set -uo pipefail
cd "$(dirname "$0")/.."
slice=${1:-600}
rounds=${2:-1}
mkdir -p fuzz/logs
[ -d fuzz/corpus ] || fuzz/seed.sh
for round in $(seq 1 "$rounds"); do
    for t in parse_text pdf_input office_input rule_pack rhai_script lsp_messages; do
        [ -e fuzz/STOP ] && exit 0
        log=fuzz/logs/$t.$round.log
        cargo +nightly fuzz run -s none "$t" -- -max_total_time="$slice" \
            -dict=fuzz/report.dict -rss_limit_mb=2048 -timeout=30 >"$log" 2>&1
        echo "round $round $t: $(grep -E '^#[0-9]+' "$log" | tail -1)"
        grep -E "^(==|SUMMARY|artifact_prefix|Test unit written)" "$log" | head -5
    done
done
