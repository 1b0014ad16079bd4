#!/usr/bin/env bash
# Runs one fuzz target for a bounded time and prints one summary line:
#   fuzz: <target> <N> runs, <K> crashes
# Usage: fuzz/run.sh <build-dir> <target> <seconds>
# New corpus entries go to <build-dir>/fuzz-corpus/<target>/ (the seeds in fuzz/corpus/<target>/
# stay untouched); a crash, leak or timeout is saved in <build-dir>/fuzz-artifacts/<target>/ and
# makes the script fail after printing the report. Reproduce with:
#   <build-dir>/fuzz/fuzz_<target> <artifact>
set -uo pipefail

build_dir=${1:?build dir}
target=${2:?target}
seconds=${3:?seconds}
here=$(cd "$(dirname "$0")" && pwd)
binary="$build_dir/fuzz/fuzz_$target"
work="$build_dir/fuzz-corpus/$target"
artifacts="$build_dir/fuzz-artifacts/$target"
log="$build_dir/fuzz-logs/$target.log"

if [[ ! -x $binary ]]; then
    echo "fuzz: $target: $binary is missing (make fuzz builds it)" >&2
    echo "fuzz: $target 0 runs, 1 crashes (not built)"
    exit 1
fi
mkdir -p "$work" "$artifacts" "$(dirname "$log")"
stamp="$artifacts/.run-started"
touch "$stamp"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$here/lsan.supp:print_suppressions=0}

# -timeout: one input (at most 8 requests) taking 10 s is a hang; -rss_limit_mb: the store
# grows with the run, but not past 2 GB; -max_len: bodies past 8 KB add nothing the parser's
# limits do not already cover.
"$binary" "$work" "$here/corpus/$target" \
    -dict="$here/marconi.dict" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
    -artifact_prefix="$artifacts/" -print_final_stats=1 >"$log" 2>&1
rc=$?

runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -1)
if [[ -z $runs ]]; then  # died before the final stats: take the last progress line
    runs=$(grep -aoE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
fi
new_artifacts=$(find "$artifacts" -type f ! -name .run-started -newer "$stamp")
crashes=$(grep -c . <<<"$new_artifacts")
if ((rc != 0 && crashes == 0)); then crashes=1; fi
coverage=$(grep -aoE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)

if ((rc != 0)); then
    echo "---- fuzz: $target failed (exit $rc); report from $log ----"
    grep -avE '^#[0-9]+\s+(NEW|REDUCE|pulse|INITED)|NEW_FUNC' "$log" | tail -60
    [[ -n $new_artifacts ]] && sed "s|^|fuzz: reproduce with $binary |" <<<"$new_artifacts"
fi
echo "fuzz: $target ${runs:-0} runs, $crashes crashes (${coverage:-no coverage}, ${seconds}s)"
exit $((rc != 0))
