#!/usr/bin/env bash
# The figures of bench/RESULTS.md. Usage: bench/run.sh [BUILD_DIR] [PART...]
# with PART among demo, uncertain, scale, growth, dynamics, samplers, numpy, memory, mpi,
# plugins, sobol, tornado, allocate, optimize, load, calibrate (default: all but memory and mpi, which take
# long and need Open MPI). A Release build is made in BUILD_DIR (default
# build-release). Run it on a quiet machine: the timings share its cores.
set -euo pipefail
build=${1:-build-release}
shift || true
parts=${*:-demo uncertain scale growth dynamics samplers numpy plugins sobol tornado allocate optimize load calibrate}
here=$(cd "$(dirname "$0")/.." && pwd)
cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCCSIM_TESTS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
bench="$build/bench/bench_run"
ccsim="$build/ccsim"
s="$here/scenarios"
# Debian's python3, where apt-get puts NumPy (python3-numpy)
python=$(command -v /usr/bin/python3 || command -v python3)
TIMEFORMAT='  wall %R s, user %U s'
# one thread a core, never moved: unbound, the scheduler now and then puts
# both threads on one core for a while (up to 10 % of a 2-thread run)
export OMP_PROC_BIND=${OMP_PROC_BIND:-spread} OMP_PLACES=${OMP_PLACES:-cores}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
city() { "$python" "$here/bench/scaled_city.py" "$@" >"$out/city.cfg"; echo "$out/city.cfg"; }

for part in $parts; do
case $part in
demo)
	echo "# the demo: replications per second at 1 and 2 threads, and the machine's 2-thread capacity"
	"$bench" "$s/demo-city.cfg" 100000 1
	"$bench" "$s/demo-city.cfg" 100000 2
	"$build/bench/bench_capacity" 3
	;;
scale)
	echo "# scaled cities, 1 thread: districts x 11 categories x weeks; about 3 million district-weeks a line"
	for d in 10 100 1000; do
		for w in 12 52; do
			reps=$((3000000 / (d * w)))
			"$bench" "$(city --districts $d --weeks $w)" $reps 1 | sed "s/^city.cfg */$d districts, $w weeks /"
		done
	done
	;;
growth)
	echo "# growth, 1 thread, 10 districts, 12 weeks: respondents, then sites per category"
	for n in 1000 10000 100000 1000000; do
		"$bench" "$(city --respondents $n)" 20000 1 | sed "s/^city.cfg */respondents $n /"
	done
	for n in 100 10000 1000000; do
		"$bench" "$(city --sites $n)" 20000 1 | sed "s/^city.cfg */sites $n /"
	done
	;;
uncertain)
	# issue 14's figure: the demo with its 20 district rates uncertain
	# against the certain demo, a replication's CPU time, 1 thread;
	# alternating, so that both meet the same moments of a shared machine
	echo "# uncertain demo against certain, 20,000 replications, 1 thread, user CPU s, 15 alternating pairs"
	: >"$out/certain"
	: >"$out/uncertain"
	for i in $(seq 15); do
		/usr/bin/time -f %U -a -o "$out/certain" "$bench" "$s/demo-city.cfg" 20000 1 >/dev/null
		/usr/bin/time -f %U -a -o "$out/uncertain" "$bench" "$s/demo-city.cfg+$here/bench/uncertain-rates.cfg" \
			20000 1 >/dev/null
	done
	"$python" - "$out/certain" "$out/uncertain" <<'PY'
import statistics, sys
c, u = ([float(x) for x in open(f)] for f in sys.argv[1:3])
print("  certain   %s" % " ".join("%.2f" % x for x in sorted(c)))
print("  uncertain %s" % " ".join("%.2f" % x for x in sorted(u)))
print("  ratio of the medians %.3f, of the least times %.3f" %
      (statistics.median(u) / statistics.median(c), min(u) / min(c)))
PY
	;;
dynamics)
	echo "# the weekly dynamics alone, 1 thread: week by week against cells outermost in blocks (the same draws)"
	"$build/bench/bench_dynamics" "$s/demo-city.cfg" 20000
	"$build/bench/bench_dynamics" "$(city --districts 100)" 2000
	;;
samplers)
	echo "# the samplers, ns a variate: ccsim, then NumPy's Generator"
	"$build/bench/bench_samplers"
	"$python" "$here/bench/numpy_samplers.py"
	;;
numpy)
	echo "# the same model in NumPy, vectorised over replications, against ccsim on 1 thread"
	"$ccsim" check "$s/demo-city.cfg" --json "$out/demo.json" >/dev/null
	"$python" "$here/bench/numpy_model.py" "$out/demo.json" --reps 20000 --brief
	"$bench" "$s/demo-city.cfg" 20000 1
	"$ccsim" check "$(city --districts 100)" --json "$out/city100.json" >/dev/null
	"$python" "$here/bench/numpy_model.py" "$out/city100.json" --reps 2000 --batch 1000 --brief
	"$bench" "$out/city.cfg" 2000 1
	;;
memory)
	echo "# peak memory for 100,000 and 10,000,000 replications of the demo, 2 threads"
	"$bench" "$s/demo-city.cfg" 100000 2
	"$bench" "$s/demo-city.cfg" 10000000 2
	;;
mpi)
	echo "# Open MPI: 2 processes of 1 thread against 1 process of 2 threads (the CCSIM_MPI build)"
	cmake -S "$here" -B "$build-mpi" -DCMAKE_BUILD_TYPE=Release -DCCSIM_TESTS=OFF -DCCSIM_MPI=ON >/dev/null
	cmake --build "$build-mpi" -j"$(nproc)" >/dev/null
	export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
	time "$ccsim" run "$s/demo-city.cfg" --reps 200000 --threads 2 --quiet
	time mpirun -np 2 "$build-mpi/ccsim" run "$s/demo-city.cfg" --reps 200000 --threads 1 --quiet
	;;
plugins)
	echo "# plugins, 1 thread: none, setup-only policies, week-hook policies"
	"$bench" "$s/demo-city.cfg" 50000 1
	# the policy scenarios are overlays of the demo (scenario layers)
	for p in road-chief materials-review mock-inspection sprint-cleanup accountability; do
		"$bench" "$s/demo-city.cfg+$s/policy-$p.cfg" 50000 1
	done
	# the sprint's hook alone: the same writes, of the scenario's own rates
	cp "$s/demo-city.cfg" "$out/"
	printf '@include "demo-city.cfg"\npolicies = ( { plugin = "sprint_cleanup"; params = { start = 6; length = 2; max_surge = 0.0; fatigue = 0.0; rebound_after = 0.0; }; } );\n' \
		>"$out/sprint-no-effect.cfg"
	"$bench" "$out/sprint-no-effect.cfg" 50000 1
	;;
sobol)
	echo "# Sobol' analysis of 8 inputs of the demo by randomized QMC: 16 scrambled designs of 128 rows, 100 replications a point"
	echo "# (goal: every interval narrower than 0.05 in under 60 s on 2 cores)"
	time "$ccsim" sensitivity "$s/demo-city.cfg" --method sobol --samples 2048 --replicates 16 --reps 100 \
		--param defaults.rectify_rate=0.08:0.2 --param defaults.rebound=0.04:0.15 \
		--param districts.Beishan.rectify_rate=0.08:0.2 --param districts.Qilihe.rectify_rate=0.06:0.18 \
		--param categories.back_street.deduction=0.1:0.3 --param categories.farmers_market.deduction=0.15:0.35 \
		--param materials.archives.loss_probability=0.02:0.15 --param survey.respondents=800:2000 \
		--quiet --csv "$out/sobol.csv"
	awk -F, 'NR > 1 { for (c = 5; c <= 15; c += 3) { w = $(c + 1) - $c; if (w > max) max = w } }
		END { printf "  widest 95 %% interval of the 32 indices: %.4f\n", max }' "$out/sobol.csv"
	;;
tornado)
	echo "# the tornado of the demo's sensitivity list (5 inputs, 11 points of 20,000 replications)"
	time "$ccsim" sensitivity "$s/demo-city.cfg" --quiet --csv "$out/tornado.csv"
	;;
allocate)
	echo "# allocate 300 officers in steps of 10 over the 10 districts, 2000 replications a variant"
	time "$ccsim" allocate "$here/bench/allocate-officers.cfg" --policy 1 --param officers \
		--budget 300 --step 10 --reps 2000 --quiet --csv "$out/allocate.csv"
	;;
optimize)
	echo "# optimize 2 levers (road chiefs, doorstep checkers) over the demo's 10 districts, a budget"
	echo "# of 30 steps, 2000 to 16000 replications a step, holdout 20000 (goal: under 60 s on 2 cores)"
	time "$ccsim" optimize "$s/demo-city.cfg+$here/bench/optimize-levers.cfg" ${OPTIMIZE_FLAGS:-} \
		--quiet --json "$out/optimize.json"
	"$python" - "$out/optimize.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
steps = r["steps"]
print("  replications used: %d (search, all variants), holdout %d" % (r["replications"],
      r["holdout"]["replications"] if r["holdout"] else 0))
print("  steps resolved: %d of %d" % (sum(s["resolved"] for s in steps), len(steps)))
PY
	;;
calibrate)
	echo "# calibrate 100 districts x 20 categories x 52 weeks (104,000 rows), fit check included (goal: under 1 s)"
	"$python" "$here/scenarios/make_reports.py" scaled --districts 100 --categories 20 --weeks 52 \
		--scenario "$out/reports-city.cfg" >"$out/reports.csv"
	time "$ccsim" calibrate "$out/reports-city.cfg" "$out/reports.csv" -o "$out/calibrated.cfg" --quiet
	echo "  the same with --pool, --json and --csv"
	time "$ccsim" calibrate "$out/reports-city.cfg" "$out/reports.csv" -o "$out/calibrated.cfg" --quiet \
		--pool --json "$out/calibration.json" --csv "$out/calibration.csv"
	echo "  one thread"
	time "$ccsim" calibrate "$out/reports-city.cfg" "$out/reports.csv" -o "$out/calibrated.cfg" --quiet \
		--threads 1
	;;
load)
	echo "# a scenario of 100,000 districts x 11 categories read, resolved and validated (goal: under 2 s)"
	"$build/bench/bench_load" 100000 11
	;;
*)
	echo "bench/run.sh: unknown part '$part'" >&2
	exit 2
	;;
esac
done
