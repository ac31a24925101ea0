#!/usr/bin/env bash
# Golden outputs: the JSON of every command on every scenario at fixed seeds,
# and the messages of rejected inputs, compared byte for byte with the files
# in tests/golden/ (timings, thread and process counts removed).
# Usage: golden.sh CCSIM SOURCE_DIR [--update]
# A deliberate change of output is recorded with --update, in its own commit.
set -u
ccsim=$1
src=$2
update=${3:-}
golden=$src/tests/golden
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0

# One case: NAME, then the command's arguments. Its JSON (when --json is
# given as @J) and its exit status and stderr are kept.
case_() {
	local name=$1
	shift
	local args=() a
	for a in "$@"; do
		case $a in
		@J) args+=("$work/$name.json") ;;
		*) args+=("$a") ;;
		esac
	done
	(cd "$src" && "$ccsim" "${args[@]}" >"$work/$name.stdout" 2>"$work/$name.stderr")
	local rc=$?
	{
		echo "exit $rc"
		sed -e "s|$work/||g" "$work/$name.stderr"
		if [ -f "$work/$name.json" ]; then
			echo "--- json"
			python3 - "$work/$name.json" <<'PY'
import json, sys
def strip(v):
    if isinstance(v, dict):
        return {k: strip(x) for k, x in v.items() if k not in ("seconds", "threads", "processes")}
    if isinstance(v, list):
        return [strip(x) for x in v]
    return v
with open(sys.argv[1], encoding="utf-8") as f:
    doc = json.load(f)
print(json.dumps(strip(doc), indent=1, sort_keys=True, ensure_ascii=False))
PY
		fi
	} >"$work/$name.out"
	if [ "$update" = --update ]; then
		cp "$work/$name.out" "$golden/$name.out"
	elif ! cmp -s "$work/$name.out" "$golden/$name.out"; then
		echo "FAIL: golden $name differs:"
		diff "$golden/$name.out" "$work/$name.out" | head -20
		failed=1
	fi
}

for f in $(cd "$src" && ls scenarios/*.cfg tests/data/*.cfg); do
	b=$(basename "$f" .cfg)
	case $b in
	policy-*|demo-uncertain) f=scenarios/demo-city.cfg+$f ;; # overlays of the demo
	esac
	case_ "check-$b" check "$f" --json @J
	case_ "run-$b" run "$f" --reps 2000 --seed 7 --json @J
done
case_ compare-demo compare scenarios/demo-city.cfg scenarios/demo-city.cfg+scenarios/policy-road-chief.cfg \
	scenarios/demo-city.cfg+scenarios/policy-steady-work.cfg --reps 2000 --seed 7 --json @J
case_ compare-variants compare scenarios/demo-city.cfg \
	--variant "fast: defaults.rectify_rate=0.3" --variant "strict: pass.threshold=88" \
	--reps 2000 --seed 7 --json @J
case_ sweep-1d sweep scenarios/demo-city.cfg --param defaults.rectify_rate=0.05:0.3:4 \
	--reps 1000 --seed 7 --json @J
case_ sweep-2d sweep scenarios/minimal.cfg --param defaults.rectify_rate=0.05:0.3:3 \
	--param inspection.batches=1:3:3 --reps 500 --seed 7 --json @J
case_ tornado sensitivity scenarios/demo-city.cfg --reps 500 --seed 7 --json @J
case_ morris sensitivity scenarios/demo-city.cfg --method morris --trajectories 3 --reps 200 \
	--seed 7 --json @J
case_ sobol sensitivity scenarios/minimal.cfg --method sobol --param defaults.rectify_rate=0.05:0.3 \
	--param survey.respondents=100:1000 --samples 8 --bootstrap 50 --reps 100 --seed 7 --json @J
case_ allocate allocate bench/allocate-officers.cfg --policy 1 --param officers --budget 60 \
	--step 20 --reps 500 --max-reps 1000 --holdout-reps 2000 --seed 7 --json @J
case_ optimize optimize tests/data/optimize/small.cfg --reps 500 --max-reps 2000 --holdout-reps 2000 \
	--seed 7 --json @J
case_ run-precision run scenarios/minimal.cfg --precision 0.02 --max-reps 50000 --seed 3 --json @J
case_ run-set run scenarios/demo-city.cfg --set districts.Xigu.rectify_rate=0.3 --reps 1000 \
	--seed 7 --json @J
# rejected inputs: the messages
case_ bad-path run scenarios/demo-city.cfg --set districts.Nowhere.rectify_rate=0.3
case_ bad-value run scenarios/demo-city.cfg --set defaults.rectify_rate=1.5
case_ bad-missing run scenarios/no-such.cfg
case_ bad-policy allocate scenarios/demo-city.cfg --policy 9 --param officers --budget 10
case_ bad-sweep sweep scenarios/demo-city.cfg --param pass.threshold=90:80:3
exit $failed
