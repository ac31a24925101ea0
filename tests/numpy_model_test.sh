#!/usr/bin/env bash
# bench/numpy_model.py simulates the model ccsim does: on the demo and on a
# scenario with rivals, an overall impression and exact satisfaction, its
# statistics (20,000 replications, fixed seed) agree with ccsim's within 4.5
# standard errors of the difference; and the comparison does notice a
# changed input.
# Usage: numpy_model_test.sh CCSIM SOURCE_DIR PYTHON3 (with NumPy)
set -u
ccsim=$1
src=$2
python=$3
. "$(dirname "$0")/checks.sh"

model="$src/bench/numpy_model.py"
agree() { # NAME SCENARIO [--set ...]: resolved JSON, ccsim's run, NumPy's comparison
	local name=$1 scenario=$2
	shift 2
	"$ccsim" check "$scenario" "$@" --json "$work/$name.json" >/dev/null &&
		"$ccsim" run "$scenario" --reps 20000 --seed 11 --quiet --json "$work/$name-run.json" &&
		"$python" "$model" "$work/$name.json" --reps 20000 --seed 12 --compare "$work/$name-run.json" \
			>"$work/$name.txt"
}
check "demo: NumPy agrees with ccsim" agree demo "$src/scenarios/demo-city.cfg"
tail -n 1 "$work/demo.txt"
check "rivals: NumPy agrees with ccsim" agree rivals "$src/tests/data/rivals.cfg"
tail -n 1 "$work/rivals.txt"
# NumPy on the demo with slower rectification, against ccsim's demo run
"$ccsim" check "$src/scenarios/demo-city.cfg" --set defaults.rectify_rate=0.09 --json "$work/slow.json" >/dev/null
check "a changed input is noticed" bash -c "! '$python' '$model' '$work/slow.json' --reps 20000 --seed 12 \
	--compare '$work/demo-run.json' >'$work/slow.txt'"
check "as a difference in the field score" grep -q '^  field .*DIFFERS' "$work/slow.txt"
checks_done
