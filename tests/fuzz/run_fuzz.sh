#!/usr/bin/env bash
# Builds the fuzz preset (clang, libFuzzer, ASan + UBSan) and runs each loader's target for a
# bounded time over its committed seed corpus (tests/fuzz/corpus/<target>) and the inputs
# that once crashed it (tests/fuzz/regressions/<target>). Exits non-zero on any crash, leak,
# sanitizer finding or hang; the input that did it is kept in build/fuzz/artifacts/.
#   KIOSK_FUZZ_SECONDS   seconds per target (default 25; nine targets)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
seconds=${KIOSK_FUZZ_SECONDS:-25}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! { cmake --preset fuzz && cmake --build --preset fuzz; } >"$work/build.log" 2>&1; then
  tail -40 "$work/build.log"
  echo "run_fuzz: the fuzz preset did not build (clang, libclang-rt-14-dev?)" >&2
  exit 1
fi

bin=build/fuzz/bin
artifacts=build/fuzz/artifacts
mkdir -p "$artifacts"
failed=0
for t in content strings config sync_answer sync_status contact upload form answers; do
  dict=(); max_len=8192
  case $t in
    sync_answer | sync_status) max_len=4096 ;;
    contact) max_len=4200; dict=(-dict=tests/fuzz/contact.dict) ;;
    upload) max_len=16384; dict=(-dict=tests/fuzz/json.dict) ;;
    answers) max_len=4096; dict=(-dict=tests/fuzz/json.dict) ;;
    *) dict=(-dict=tests/fuzz/toml.dict) ;;
  esac
  corpora=("$work/$t" "tests/fuzz/corpus/$t")
  mkdir -p "$work/$t"
  log="$work/$t.log"
  # The regressions first, each whole (a corpus input would be cut to -max_len).
  regressions=(tests/fuzz/regressions/$t/*)
  if [ -e "${regressions[0]}" ] && ! "$bin/fuzz_$t" "${regressions[@]}" >"$log" 2>&1; then
    failed=1
    echo "fuzz_$t: a regression input fails again"
    grep -E '^==[0-9]+==ERROR|runtime error|SUMMARY|Running: |/(kiosk|tests)/' "$log" | head -30
    continue
  fi
  if "$bin/fuzz_$t" -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$artifacts/$t-" -print_final_stats=1 "${dict[@]}" "${corpora[@]}" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
    echo "fuzz_$t: ${runs:-?} runs in ${seconds} s, ${cov:-cov: ?}, no crash"
  else
    failed=1
    echo "fuzz_$t: FAILED (input kept in $artifacts/; add it to tests/fuzz/regressions/$t/ once fixed)"
    # The finding and the frames in the kiosk's own code.
    grep -E '^==[0-9]+==ERROR|runtime error|SUMMARY|/(kiosk|tests)/' "$log" | head -30
  fi
done
exit $failed
