#!/usr/bin/env bash
# The figures of bench/RESULTS.md. Usage: bench/run.sh [BUILD_DIR] [PART...]
# with PART among demo, plugins, sobol, allocate (default: all). A Release
# build is made in BUILD_DIR (default build-release). Run it on a quiet
# machine: the two cores of these machines share execution units.
set -euo pipefail
build=${1:-build-release}
shift || true
parts=${*:-demo plugins sobol allocate}
here=$(cd "$(dirname "$0")/.." && pwd)
cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCCSIM_TESTS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
bench="$build/bench/bench_run"
ccsim="$build/ccsim"
s="$here/scenarios"
TIMEFORMAT='  wall %R s, user %U s'
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

for part in $parts; do
case $part in
demo)
	echo "# the demo: replications per second at 1 and 2 threads, peak memory"
	"$bench" "$s/demo-city.cfg" 100000 1
	"$bench" "$s/demo-city.cfg" 100000 2
	"$bench" "$s/demo-city.cfg" 1000000 2
	;;
plugins)
	echo "# plugins, 1 thread: none, setup-only policies, week-hook policies"
	"$bench" "$s/demo-city.cfg" 50000 1
	for p in road-chief materials-review mock-inspection sprint-cleanup accountability; do
		"$bench" "$s/policy-$p.cfg" 50000 1
	done
	;;
sobol)
	echo "# Sobol' analysis of 8 inputs of the demo: 10240 base samples, 50 replications a point"
	time "$ccsim" sensitivity "$s/demo-city.cfg" --method sobol --samples 10240 --reps 50 \
		--param defaults.rectify_rate=0.08:0.2 --param defaults.rebound=0.04:0.15 \
		--param districts.Beishan.rectify_rate=0.08:0.2 --param districts.Qilihe.rectify_rate=0.06:0.18 \
		--param categories.back_street.deduction=0.1:0.3 --param categories.farmers_market.deduction=0.15:0.35 \
		--param materials.archives.loss_probability=0.02:0.15 --param survey.respondents=800:2000 \
		--quiet --csv "$out/sobol.csv"
	awk -F, 'NR > 1 { for (c = 5; c <= 15; c += 3) { w = $(c + 1) - $c; if (w > max) max = w } }
		END { printf "  widest 95 %% interval of the 32 indices: %.4f\n", max }' "$out/sobol.csv"
	;;
allocate)
	echo "# allocate 300 officers in steps of 10 over the 10 districts, 2000 replications a variant"
	time "$ccsim" allocate "$here/bench/allocate-officers.cfg" --policy 1 --param officers \
		--budget 300 --step 10 --reps 2000 --quiet --csv "$out/allocate.csv"
	;;
esac
done
