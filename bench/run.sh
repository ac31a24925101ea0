#!/usr/bin/env bash
# The figures of bench/RESULTS.md. Usage: bench/run.sh [BUILD_DIR]
# (a Release build of bench_run is made there when missing). Run it on a
# quiet machine: the two cores of these machines share execution units.
set -euo pipefail
build=${1:-build-release}
here=$(cd "$(dirname "$0")/.." && pwd)
cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCCSIM_TESTS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target bench_run >/dev/null
bench="$build/bench/bench_run"
s="$here/scenarios"

echo "# the demo: replications per second at 1 and 2 threads, peak memory"
"$bench" "$s/demo-city.cfg" 100000 1
"$bench" "$s/demo-city.cfg" 100000 2
"$bench" "$s/demo-city.cfg" 1000000 2

echo "# plugins, 1 thread: setup-only policies, then week-hook policies"
"$bench" "$s/demo-city.cfg" 50000 1
for p in road-chief materials-review mock-inspection sprint-cleanup accountability; do
	"$bench" "$s/policy-$p.cfg" 50000 1
done
