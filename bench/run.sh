#!/usr/bin/env bash
# The figures of bench/RESULTS.md: replications per second of the demo at 1
# and 2 threads, and peak memory at 100,000 and 1,000,000 replications.
# Usage: bench/run.sh [BUILD_DIR]   (a Release build is best)
set -euo pipefail
build=${1:-build-release}
here=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -x "$build/bench/bench_run" ]; then
	cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCCSIM_TESTS=OFF >/dev/null
	cmake --build "$build" -j"$(nproc)" --target bench_run >/dev/null
fi
demo="$here/scenarios/demo-city.cfg"
"$build/bench/bench_run" "$demo" 100000 1
"$build/bench/bench_run" "$demo" 100000 2
"$build/bench/bench_run" "$demo" 1000000 2
