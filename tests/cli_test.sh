#!/usr/bin/env bash
# The command line as a planner meets it: exit statuses, messages, output
# written whole or not at all, identical JSON whatever the thread count.
# Usage: cli_test.sh CCSIM SOURCE_DIR
set -u
ccsim=$1
src=$2
. "$(dirname "$0")/checks.sh"

check "--version" [ "$(status "$ccsim" --version)" = 0 ]
check "--version text" grep -q '^ccsim [0-9]' "$work/out"
check "--help" [ "$(status "$ccsim" --help)" = 0 ]
check "run --help" [ "$(status "$ccsim" run --help)" = 0 ]
check "run --help mentions --json" grep -q -- '--json FILE' "$work/out"
check "check --help" [ "$(status "$ccsim" check --help)" = 0 ]
check "no command is a usage error" [ "$(status "$ccsim")" = 2 ]
check "unknown command" [ "$(status "$ccsim" frobnicate)" = 2 ]
check "run without a file" [ "$(status "$ccsim" run)" = 2 ]
check "--reps 0" [ "$(status "$ccsim" run "$src/scenarios/minimal.cfg" --reps 0)" = 2 ]
check "--reps junk" [ "$(status "$ccsim" run "$src/scenarios/minimal.cfg" --reps 12x)" = 2 ]
check "--threads 0" [ "$(status "$ccsim" run "$src/scenarios/minimal.cfg" --threads 0)" = 2 ]
check "--seed -1" [ "$(status "$ccsim" run "$src/scenarios/minimal.cfg" --seed -1)" = 2 ]
check "unknown option" [ "$(status "$ccsim" run "$src/scenarios/minimal.cfg" --frob)" = 2 ]

check "check minimal" [ "$(status "$ccsim" check "$src/scenarios/minimal.cfg")" = 0 ]
check "check says valid" grep -q 'is valid' "$work/out"
check "check demo" [ "$(status "$ccsim" check "$src/scenarios/demo-city.cfg")" = 0 ]
check "check shows resolved cells" grep -q 'old_compound *60 *8 *300 *9 *0.08 *0.08' "$work/out"

# a bad scenario: every problem with file and line, exit 2, no output file
sed -e 's/weeks = 1;/weeks = 0;/' -e 's/deduction = 0.25;/deduction = 2.5;/' \
	"$src/scenarios/minimal.cfg" >"$work/bad.cfg"
check "bad scenario exits 2" [ "$(status "$ccsim" run "$work/bad.cfg" --json "$work/bad.json")" = 2 ]
check "bad scenario names file and line of weeks" grep -q "^$work/bad.cfg:4: campaign: 'weeks' is 0" "$work/err"
check "bad scenario names file and line of deduction" grep -q "^$work/bad.cfg:6: category 'main_road': 'deduction' is 2.5" "$work/err"
check "bad scenario writes no JSON" [ ! -e "$work/bad.json" ]
check "check of a bad scenario exits 2" [ "$(status "$ccsim" check "$work/bad.cfg")" = 2 ]
check "missing file exits 2" [ "$(status "$ccsim" run "$work/none.cfg")" = 2 ]
check "missing file is named" grep -q "none.cfg: cannot open the scenario" "$work/err"
printf 'version = 1\ncampaign: { weeks = ; };\n' >"$work/syntax.cfg"
check "syntax error exits 2" [ "$(status "$ccsim" check "$work/syntax.cfg")" = 2 ]
check "syntax error has its line" grep -q "syntax.cfg:2: syntax error" "$work/err"

# a good run writes the JSON whole; a failed one leaves an old file alone
check "run minimal" [ "$(status "$ccsim" run "$src/scenarios/minimal.cfg" --reps 3000 --json "$work/m.json")" = 0 ]
check "summary printed" grep -q 'Pass probability' "$work/out"
check "JSON written" grep -q '"pass_probability"' "$work/m.json"
check "--quiet prints nothing" [ "$(status "$ccsim" run "$src/scenarios/minimal.cfg" --reps 100 --quiet)" = 0 ] 
check "--quiet output empty" [ ! -s "$work/out" ]
cp "$work/m.json" "$work/keep.json"
check "failed run keeps old JSON" [ "$(status "$ccsim" run "$work/bad.cfg" --json "$work/m.json")" = 2 ]
check "old JSON untouched" cmp -s "$work/m.json" "$work/keep.json"
check "a missing folder for the JSON exits 2" [ "$(status "$ccsim" run "$src/scenarios/minimal.cfg" --reps 10 --json "$work/no/such/dir/x.json")" = 2 ]
check "a missing folder is explained" grep -q "cannot write $work/no/such/dir/x.json: the folder $work/no/such/dir does not exist" "$work/err"
check "no temporary files left" [ -z "$(find "$work" -name '*.tmp.*')" ]

# outputs that would destroy something, or that cannot be written, are
# refused before any replication (exit 2, nothing written, inputs untouched)
cp "$src/scenarios/minimal.cfg" "$work/own.cfg"
cp "$work/own.cfg" "$work/own.keep"
long=(--reps 50000000)  # refused at once, never simulated
check "--json onto the scenario exits 2" [ "$(status timeout 20 "$ccsim" run "$work/own.cfg" "${long[@]}" --json "$work/own.cfg")" = 2 ]
check "--json onto the scenario is explained" grep -q "cannot write $work/own.cfg: it is an input of this command" "$work/err"
check "the scenario is untouched" cmp -s "$work/own.cfg" "$work/own.keep"
check "--csv onto the scenario by another name exits 2" [ "$(status timeout 20 "$ccsim" run "$work/own.cfg" "${long[@]}" --csv "$work/../$(basename "$work")/own.cfg")" = 2 ]
check "--json X --csv X exits 2" [ "$(status timeout 20 "$ccsim" run "$work/own.cfg" "${long[@]}" --json "$work/same.out" --csv "$work/same.out")" = 2 ]
check "--json X --csv X is explained" grep -q "cannot write $work/same.out: another output of this command goes there too" "$work/err"
check "--json X --csv X writes nothing" [ ! -e "$work/same.out" ]
mkfifo "$work/fifo"
check "--json onto a FIFO exits 2" [ "$(status timeout 20 "$ccsim" run "$work/own.cfg" "${long[@]}" --json "$work/fifo")" = 2 ]
check "the FIFO stays a FIFO" [ -p "$work/fifo" ]
check "--json onto a device exits 2" [ "$(status timeout 20 "$ccsim" run "$work/own.cfg" "${long[@]}" --json /dev/null)" = 2 ]
check "a device is named as one" grep -q "cannot write /dev/null: it is a device" "$work/err"
echo keep >"$work/target.json"
ln -s "$work/target.json" "$work/link.json"
check "--json onto a symlink exits 2" [ "$(status timeout 20 "$ccsim" run "$work/own.cfg" "${long[@]}" --json "$work/link.json")" = 2 ]
check "the symlink stays a symlink" [ -L "$work/link.json" ]
check "the symlink's target is untouched" [ "$(cat "$work/target.json")" = keep ]
check "--json onto a folder exits 2" [ "$(status timeout 20 "$ccsim" run "$work/own.cfg" "${long[@]}" --json "$work")" = 2 ]
check "a bad --csv folder exits 2 before the JSON is written" [ "$(status timeout 20 "$ccsim" run "$work/own.cfg" "${long[@]}" --json "$work/first.json" --csv "$work/none/t.csv")" = 2 ]
check "no JSON when the CSV cannot be written" [ ! -e "$work/first.json" ]
check "compare: --json onto a scenario exits 2" [ "$(status timeout 20 "$ccsim" compare "$work/own.cfg" "$src/scenarios/minimal.cfg" "${long[@]}" --json "$src/scenarios/minimal.cfg")" = 2 ]
check "sweep: a missing folder exits 2" [ "$(status timeout 20 "$ccsim" sweep "$work/own.cfg" --param defaults.rectify_rate=0.1:0.2:2 "${long[@]}" --csv "$work/none/s.csv")" = 2 ]
check "check: --json onto the scenario exits 2" [ "$(status "$ccsim" check "$work/own.cfg" --json "$work/own.cfg")" = 2 ]
check "the scenario is still untouched" cmp -s "$work/own.cfg" "$work/own.keep"
check "report: -o onto its input exits 2" [ "$(status "$ccsim" report "$work/own.keep" -o "$work/own.keep")" = 2 ]
check "no temporary files from refused outputs" [ -z "$(find "$work" -name '*.tmp.*')" ]

# run: { replications; seed; } are defaults that flags override
sed 's/^version = 1;/version = 1;\nrun: { replications = 1234; seed = 7; };/' \
	"$src/scenarios/minimal.cfg" >"$work/run.cfg"
check "run section" [ "$(status "$ccsim" run "$work/run.cfg" --json "$work/run.json")" = 0 ]
check "run section replications" grep -q '"replications": 1234,' "$work/run.json"
check "run section seed" grep -q '"seed": 7,' "$work/run.json"
check "flags override" [ "$(status "$ccsim" run "$work/run.cfg" --reps 99 --seed 8 --json "$work/run.json")" = 0 ]
check "flag replications" grep -q '"replications": 99,' "$work/run.json"
check "flag seed" grep -q '"seed": 8,' "$work/run.json"

# byte-identical JSON for 1, 2 and 7 threads
for t in 1 2 7; do
	"$ccsim" run "$src/scenarios/demo-city.cfg" --reps 1500 --seed 5 --threads $t --quiet \
		--json "$work/t$t.json"
	comparable "$work/t$t.json" >"$work/t$t.cmp"
done
check "threads 1 = 2" cmp -s "$work/t1.cmp" "$work/t2.cmp"
check "threads 1 = 7" cmp -s "$work/t1.cmp" "$work/t7.cmp"
check "thread count recorded" grep -q '"threads": 7,' "$work/t7.json"

# plugins: the list, a policy's cost in the JSON, a plugin's failure (exit 3)
check "plugins lists" [ "$(status "$ccsim" plugins)" = 0 ]
check "plugins names road_chief" grep -q '^road_chief  (' "$work/out"
check "policy run" [ "$(status "$ccsim" run "$src/scenarios/demo-city.cfg+$src/scenarios/policy-road-chief.cfg" --reps 300 --json "$work/policy.json")" = 0 ]
# 25 chiefs in each of 3 districts for 12 weeks: 900 staff-weeks
check "policy cost in JSON" grep -q '"cost": 900' "$work/policy.json"
cp "$src/scenarios/demo-city.cfg" "$work/"
cat >"$work/broken.lua" <<'LUA'
local broken = { name = "broken", description = "fails in week 2", params = { week = 2 } }
function broken.week(state, params, targets)
  if state.week == params.week then error("the office is closed") end
end
return broken
LUA
printf '@include "demo-city.cfg"\npolicies = ( { plugin = "broken"; } );\n' >"$work/broken.cfg"
check "plugin failure exits 3" [ "$(status "$ccsim" run "$work/broken.cfg" --reps 300 --json "$work/broken.json")" = 3 ]
check "plugin failure message" grep -q '^broken: week: broken.lua:3: the office is closed (replication 0)' "$work/err"
check "plugin failure writes nothing" [ ! -e "$work/broken.json" ]
# a hook failing at random weeks of random replications (an error, or a refused
# write that kills the call): hooked replications run in blocks, weeks
# interleaved, yet the error is the first failing replication's, as run alone:
# the replications before it all succeed, and it fails with that message
for how in 'error(string.format("failed in week %d (u = %.6f)", state.week, u))' \
	'state.district[state.districts[1]].categories[state.categories[1]].rebound = -u'; do
	cat >"$work/flaky.lua" <<LUA
local flaky = { name = "flaky", description = "fails now and then", params = { p = 0.002 } }
function flaky.week(state, params, targets)
  local u = math.random()
  if u < params.p then $how end
end
return flaky
LUA
	printf '@include "demo-city.cfg"\npolicies = ( { plugin = "flaky"; } );\n' >"$work/flaky.cfg"
	for t in 1 2; do
		status "$ccsim" run "$work/flaky.cfg" --reps 300 --threads $t >/dev/null
		head -n 1 "$work/err" >"$work/flaky$t.err"
	done
	check "a random hook failure: the same at 1 and 2 threads" cmp -s "$work/flaky1.err" "$work/flaky2.err"
	r=$(sed -n 's/.*(replication \([0-9]*\))$/\1/p' "$work/flaky1.err")
	check "a random hook failure names its replication" [ -n "$r" ]
	check "the replications before the failing one succeed" \
		[ "$(status "$ccsim" run "$work/flaky.cfg" --reps "${r:-0}" --quiet)" = 0 ]
	check "the failing replication fails as in the block" \
		[ "$(status "$ccsim" run "$work/flaky.cfg" --reps $((${r:-0} + 1)) --quiet)" = 3 ]
	check "the failing replication's message" cmp -s "$work/flaky1.err" <(head -n 1 "$work/err")
done
printf '@include "demo-city.cfg"\npolicies = ( { plugin = "broken"; params = { weak = 2; }; } );\n' >"$work/param.cfg"
check "unknown parameter exits 2" [ "$(status "$ccsim" check "$work/param.cfg")" = 2 ]
check "unknown parameter named" grep -q "param.cfg:2: policy 1 (broken): unknown parameter 'weak'; broken knows week" "$work/err"

# the decision commands: identical JSON for 1 and 3 threads, errors before any replication
demo="$src/scenarios/demo-city.cfg"
decide() { # NAME ARGS...: runs at 1 and 3 threads, compares the JSON
	local name=$1
	shift
	for t in 1 3; do
		"$ccsim" "$@" --threads $t --quiet --json "$work/$name$t.json" --csv "$work/$name$t.csv" \
			>"$work/out" 2>"$work/err" || echo "FAILED: $name exited $? at $t threads: $(cat "$work/err")"
		grep -v -E '"(seconds|threads|processes)":' "$work/$name$t.json" >"$work/$name$t.cmp"
	done
	check "$name: JSON for 1 and 3 threads" cmp -s "$work/${name}1.cmp" "$work/${name}3.cmp"
	check "$name: CSV for 1 and 3 threads" cmp -s "$work/${name}1.csv" "$work/${name}3.csv"
	check "$name: command in JSON" grep -q "\"command\": \"$1\"" "$work/${name}1.json"
}
decide compare compare "$demo" --variant "fast: defaults.rectify_rate=0.15" --reps 700
check "compare: paired interval" grep -q '"pass_difference_ci95"' "$work/compare1.json"
decide sweep sweep "$demo" --param defaults.rectify_rate=0.1:0.2:3 --reps 300
check "sweep: three points" [ "$(grep -c '^0\.' "$work/sweep1.csv")" = 3 ]
decide sensitivity sensitivity "$demo" --reps 300
decide allocate allocate "$src/scenarios/demo-city.cfg+$src/scenarios/policy-extra-enforcement.cfg" --policy 1 --param officers --budget 200 --step 100 --reps 300 --max-reps 600 --holdout-reps 600
check "allocate: two steps" [ "$(grep -c '^[12],' "$work/allocate1.csv")" = 2 ]
decide optimize optimize "$src/tests/data/optimize/small.cfg" --reps 300 --max-reps 600 --holdout-reps 600
check "optimize: the frontier from the base" grep -q '^0,,,,0,0,' "$work/optimize1.csv"
check "optimize: the holdout in the JSON" grep -q '"first_replication": 600' "$work/optimize1.json"
check "optimize: a lever's policy beyond the list is exit 2" \
	[ "$(status "$ccsim" optimize "$src/tests/data/optimize/small.cfg" --lever x:9:staff:1:1:2)" = 2 ]
check "optimize: the lever named" grep -q "lever 'x': policy 9 does not exist" "$work/err"
check "optimize: --target reached, the budget it needed" bash -c "'$ccsim' optimize '$src/tests/data/optimize/small.cfg' \
	--reps 300 --max-reps 600 --holdout-reps 0 --target 0.3 --threads 2 | grep -q 'reached the target 30.00%'"
# --max-reps given at its default's value is still given (not 8 times --reps)
"$ccsim" optimize "$src/tests/data/optimize/small.cfg" --reps 300 --max-reps 10000000 --holdout-reps 0 \
	--budget 1 --quiet --json "$work/maxreps.json" >/dev/null 2>&1
check "optimize: --max-reps 10000000 kept" grep -q '"max_reps": 10000000' "$work/maxreps.json"
decide morris sensitivity "$demo" --method morris --trajectories 2 --reps 100
decide sobol sensitivity "$demo" --method sobol --samples 6 --reps 50 --bootstrap 20
# a whole-number path: the grid's rounded values are said, a grid that runs one twice is refused
check "sweep: integer grid runs" [ "$(status "$ccsim" sweep "$src/scenarios/minimal.cfg" --param inspection.batches=1:4:3 --reps 50)" = 0 ]
check "sweep: rounded values said" grep -q 'inspection.batches takes whole numbers' "$work/out"
check "sweep: ran 3, not 2.5" grep -q '^3  ' "$work/out"
check "sweep: a grid not whole is refused" [ "$(status "$ccsim" sweep "$src/scenarios/minimal.cfg" --param inspection.batches=1:4:5 --reps 50)" = 2 ]
check "sweep: refusal says why" grep -q 'would run 1, 2, 3, 3, 4' "$work/err"
# compare: each variant's policies' total cost and the P(pass) bought per unit of cost more
check "compare: costs" [ "$(status "$ccsim" compare "$src/scenarios/demo-city.cfg" "$src/scenarios/demo-city.cfg+$src/scenarios/policy-steady-work.cfg" --reps 100)" = 0 ]
check "compare: cost column" grep -q 'policy cost' "$work/out"
check "compare: per unit of cost" grep -q 'points / unit' "$work/out"
# a variant cheaper and worse gives up points per unit saved; one dearer and worse buys nothing
check "compare: cheaper and worse, dearer and worse" [ "$(status "$ccsim" compare "$src/scenarios/demo-city.cfg+$src/scenarios/policy-steady-work.cfg" "$src/scenarios/demo-city.cfg" "$src/scenarios/demo-city.cfg+$src/scenarios/policy-extra-enforcement.cfg" --reps 1000)" = 0 ]
check "compare: points given up per unit saved" grep -q 'demo-city.cfg *0 *-1100 *gives up [0-9.e-]* points / unit saved' "$work/out"
check "compare: dearer and worse" grep -q '+2500 *dearer and worse' "$work/out"
# cheaper and just as good (a variant changing only the cost): nothing given up, not "-0"
check "compare: cheaper, the same passes" [ "$(status "$ccsim" compare "$src/scenarios/demo-city.cfg+$src/scenarios/policy-mock-inspection.cfg" --variant "cheap: policies.1.params.cost_per_test=0.5" --reps 300)" = 0 ]
check "compare: nothing given up is 0" grep -q '^cheap *10 *-150 *gives up 0 points / unit saved' "$work/out"
# a week hook reads a cell's start (problems, base_*) as this replication drew
# it: setting every rate back to its base each week changes nothing against a
# hook that does nothing, with the demo's uncertain rates
mkdir -p "$work/hooks"
cat > "$work/hooks/noop.lua" <<'LUA'
return { name = "noop", description = "changes nothing", params = {}, week = function() end }
LUA
cat > "$work/hooks/reset.lua" <<'LUA'
local p = { name = "reset", description = "rates back to their base", params = {} }
function p.week(state, params, targets)
  for _, name in ipairs(targets) do
    for _, c in ipairs(state.categories) do
      local cell = state.district[name].categories[c]
      assert(cell.problems >= 0)
      cell.rectify_rate, cell.rebound = cell.base_rectify_rate, cell.base_rebound
      cell.new_per_week = cell.base_new_per_week
    end
  end
end
return p
LUA
printf 'policies = ( { plugin = "noop"; } );\n' > "$work/hooks/noop.cfg"
printf 'policies = ( { plugin = "reset"; } );\n' > "$work/hooks/reset.cfg"
uncertain="$src/scenarios/demo-city.cfg+$src/scenarios/demo-uncertain.cfg"
check "hooks: base_* of an uncertain cell (noop)" [ "$(CCSIM_PLUGIN_PATH="$work/hooks" status "$ccsim" run "$uncertain+$work/hooks/noop.cfg" --reps 400 --json "$work/noop.json")" = 0 ]
check "hooks: base_* of an uncertain cell (reset)" [ "$(CCSIM_PLUGIN_PATH="$work/hooks" status "$ccsim" run "$uncertain+$work/hooks/reset.cfg" --reps 400 --json "$work/reset.json")" = 0 ]
check "hooks: rates reset to this replication's base change nothing" python3 -c "
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
assert a['total'] == b['total'] and a['pass_probability'] == b['pass_probability'], (a['total'], b['total'])" "$work/noop.json" "$work/reset.json"
# compare --variant changes a policy's districts (and its parameters): road
# chiefs in two of the three districts cost two thirds of the three's
chiefs="$src/scenarios/demo-city.cfg+$src/scenarios/policy-road-chief.cfg"
check "compare --variant: a policy's districts" [ "$(status "$ccsim" compare "$chiefs" --variant 'plan B: policies.1.districts=["Beishan", "Qilihe"], policies.1.params.boost=0.2' --reps 100 --json "$work/targets.json")" = 0 ]
check "compare --variant: the districts taken" python3 -c "
import json, sys
v = json.load(open(sys.argv[1]))['variants']
three, two = v[0]['run']['policies'][0]['cost'], v[1]['run']['policies'][0]['cost']
assert three > 0 and abs(two - three * 2 / 3) < 1e-9, (three, two)
assert v[1]['settings'][0] == {'path': 'policies.1.districts', 'value': '[\"Beishan\", \"Qilihe\"]'}, v[1]['settings']
assert v[1]['settings'][1] == {'path': 'policies.1.params.boost', 'value': 0.2}, v[1]['settings']" "$work/targets.json"
check "compare --variant: an unknown district exits 2" [ "$(status "$ccsim" compare "$chiefs" --variant 'plan B: policies.1.districts=[Beishan, Qilhe]' --reps 100)" = 2 ]
check "compare --variant: the unknown district said, with the setting" grep -q "policies.1.districts=\[Beishan, Qilhe\] (a --set or --variant): 'Qilhe' names no district; did you mean 'Qilihe'?" "$work/err"
# a sweep, solve or sensitivity range that leaves its key's range: refused before any replication
check "sweep: a range leaving the key's exits 2" [ "$(status "$ccsim" sweep "$demo" --param defaults.rectify_rate=0.1:1.5:3 --reps 50)" = 2 ]
check "sweep: the value leaving it is named" grep -q "defaults.rectify_rate=1.5: 'rectify_rate' must be a number within \[0, 1\]" "$work/err"
check "solve: a range leaving the key's exits 2" [ "$(status "$ccsim" solve "$demo" --param defaults.rectify_rate --target 0.9 --range 0.1:2 --reps 50)" = 2 ]
check "solve: the value leaving it is named" grep -q "defaults.rectify_rate=2: 'rectify_rate' must be a number within \[0, 1\]" "$work/err"
check "sensitivity: a scaled range leaving the key's exits 2" [ "$(status "$ccsim" sensitivity "$demo" --param 'districts.*.rectify_rate*=0.8:9' --reps 50)" = 2 ]
check "sensitivity: the value leaving it is named" grep -q "districts.\*.rectify_rate\*=9: 'rectify_rate' of district 'Chengguan', category 'main_road' would be 1.35" "$work/err"
check "--set: a list on a number's path exits 2" [ "$(status "$ccsim" run "$chiefs" --set 'defaults.rectify_rate=[Beishan]' --reps 100)" = 2 ]
check "--set: a list on a number's path is explained" grep -q "a list \[A, B\] sets only a policy's districts" "$work/err"
# sensitivity of a P(pass) that does not vary: said, and no index (null in the JSON)
check "tornado: constant P(pass)" [ "$(status "$ccsim" sensitivity "$src/scenarios/minimal.cfg" --param pass.threshold=0:1 --reps 100 --json "$work/flat.json")" = 0 ]
check "tornado: says it does not vary" grep -q 'P(pass) does not vary over these ranges' "$work/out"
check "tornado: null swing" grep -q '"pass_swing": null' "$work/flat.json"
check "morris: constant P(pass)" [ "$(status "$ccsim" sensitivity "$src/scenarios/minimal.cfg" --method morris --trajectories 2 --param pass.threshold=0:1 --param defaults.rebound=0.01:0.02 --reps 50 --json "$work/flatm.json")" = 0 ]
check "morris: null index" grep -q '"pass": null' "$work/flatm.json"
# solve: a bracket found, a target outside the range said, the flags checked
check "solve: finds a value" [ "$(status "$ccsim" solve "$src/scenarios/minimal.cfg" --param pass.threshold --target 0.5 --range 30:70 --tolerance 0.5 --reps 200 --json "$work/solve.json")" = 0 ]
check "solve: says the value" grep -q 'reaches the target' "$work/out"
check "solve: JSON found" grep -q '"found": true' "$work/solve.json"
check "solve: outside the range" [ "$(status "$ccsim" solve "$src/scenarios/minimal.cfg" --param defaults.rectify_rate --target 0.999 --range 0.01:0.02 --reps 100)" = 0 ]
check "solve: says outside" grep -q 'the target lies outside the range' "$work/out"
check "solve: --target 1.5 exits 2" [ "$(status "$ccsim" solve "$src/scenarios/minimal.cfg" --param defaults.rectify_rate --target 1.5 --range 0:1)" = 2 ]
check "bad path exits 2" [ "$(status "$ccsim" sweep "$demo" --param districts.Chenguan.rectify_rate=0.1:0.2:2)" = 2 ]
check "bad path suggests" grep -q "nearest valid paths are districts.Chengguan.rectify_rate" "$work/err"
check "value out of range exits 2" [ "$(status "$ccsim" sensitivity "$demo" --param defaults.rebound=0.5:1.5)" = 2 ]
check "out of range named" grep -q "defaults.rebound=1.5: 'rebound' must be a number within \[0, 1\]" "$work/err"
sed 's/districts.Beishan.rectify_rate";  /districts.Beishan.rectfy_rate";   /' "$demo" >"$work/typo.cfg"
check "check validates the sensitivity list" [ "$(status "$ccsim" check "$work/typo.cfg")" = 2 ]
check "sensitivity typo named" grep -q "typo.cfg:[0-9]*: sensitivity entry 2: no parameter path 'districts.Beishan.rectfy_rate'" "$work/err"
check "run refuses the sensitivity list's typo too" [ "$(status "$ccsim" run "$work/typo.cfg" --reps 10)" = 2 ]
check "compare needs two" [ "$(status "$ccsim" compare "$demo")" = 2 ]
check "run --set" [ "$(status "$ccsim" run "$demo" --reps 300 --set survey.veto_below=95 --json "$work/set.json")" = 0 ]
check "run --set takes effect" grep -q '"survey_veto_probability": 1' "$work/set.json"
check "run --precision" [ "$(status "$ccsim" run "$demo" --precision 0.02 --json "$work/prec.json")" = 0 ]
check "run --precision stops at a checkpoint" grep -q '"replications": 4096,' "$work/prec.json"
# --precision not reached within --max-reps: the summary and the JSON say so
"$ccsim" run "$demo" --precision 0.0001 --max-reps 4096 --json "$work/prec-short.json" >"$work/prec-short.txt"
check "run --precision not reached: the summary says so" grep -q 'Precision ±0.01 % not reached: ±[0-9.]* % after 4096 replications; raise --max-reps' "$work/prec-short.txt"
check "run --precision not reached: the JSON says so" grep -q '"precision_reached": false' "$work/prec-short.json"
check "run --precision reached: the JSON says so" grep -q '"precision_reached": true' "$work/prec.json"

# Ctrl-C: the first stops at the next replication and writes what was done,
# marked incomplete (exit 130); a second ends at once and writes nothing
interrupt_run() { # JSON COUNT: start a long run, send COUNT SIGINTs, wait
	"$ccsim" run "$demo" --reps 5000000 --quiet --json "$1" --csv "$1.csv" &
	local pid=$!
	sleep 2
	for _ in $(seq "$2"); do kill -INT $pid 2>/dev/null; sleep 0.02; done
	local waited=0
	while kill -0 $pid 2>/dev/null && [ $waited -lt 60 ]; do sleep 1; waited=$((waited + 1)); done
	kill -KILL $pid 2>/dev/null
	wait $pid
	echo $?
}
check "Ctrl-C exits 130" [ "$(interrupt_run "$work/int.json" 1)" = 130 ]
check "Ctrl-C writes the JSON marked incomplete" grep -q '"complete": false' "$work/int.json"
check "Ctrl-C writes the CSV" grep -q '^district,"Chengguan",' "$work/int.json.csv"
# (two signals may merge into one, or the run may finish writing between
# them: whatever the timing, no file is ever left half-written)
check "a second Ctrl-C exits 130" [ "$(interrupt_run "$work/int2.json" 2)" = 130 ]
check "a second Ctrl-C leaves no half-written file" \
	bash -c "[ ! -e '$work/int2.json' ] || [ \"\$(tail -n 1 '$work/int2.json')\" = '}' ]"
# SIGTERM and SIGHUP are treated as Ctrl-C is, with their own exit statuses
signal_run() { # SIGNAL JSON: start a long run, send SIGNAL once, wait
	"$ccsim" run "$demo" --reps 5000000 --quiet --json "$2" --csv "$2.csv" &
	local pid=$!
	sleep 2
	kill -"$1" $pid 2>/dev/null
	local waited=0
	while kill -0 $pid 2>/dev/null && [ $waited -lt 60 ]; do sleep 1; waited=$((waited + 1)); done
	kill -KILL $pid 2>/dev/null
	wait $pid
	echo $?
}
check "SIGTERM exits 143" [ "$(signal_run TERM "$work/term.json")" = 143 ]
check "SIGTERM writes the JSON marked incomplete" grep -q '"complete": false' "$work/term.json"
check "SIGHUP exits 129" [ "$(signal_run HUP "$work/hup.json")" = 129 ]
check "SIGHUP writes the JSON marked incomplete" grep -q '"complete": false' "$work/hup.json"
check "still no temporary files" [ -z "$(find "$work" -name '*.tmp.*')" ]
# a signal while the files are being written waits until they are whole and
# the summary is printed, so that the two agree (fsync made slow by strace)
if command -v strace >/dev/null; then
	for sig in INT TERM; do
		rm -f "$work/late.json"*
		# (LeakSanitizer cannot run under ptrace: off for this run in the sanitizer build)
		ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
			strace -f -qq -o /dev/null -e trace=fsync -e inject=fsync:delay_enter=1500000 \
			"$ccsim" run "$src/scenarios/minimal.cfg" --reps 2000 --json "$work/late.json" \
			--csv "$work/late.csv" >"$work/late.out" 2>"$work/late.err" &
		tracer=$!
		waited=0
		while [ -z "$(find "$work" -name 'late.json.tmp.*')" ] && [ $waited -lt 200 ]; do
			sleep 0.05
			waited=$((waited + 1))
		done
		kill -$sig "$(pgrep -P $tracer)" 2>/dev/null
		wait $tracer
		rc=$?
		code=130
		[ $sig = TERM ] && code=143
		check "SIG$sig while writing exits $code" [ $rc = $code ]
		check "SIG$sig while writing: the JSON whole and complete" grep -q '"complete": true' "$work/late.json"
		check "SIG$sig while writing: the CSV written too" grep -q '^district,' "$work/late.csv"
		check "SIG$sig while writing: the summary printed" grep -q 'Pass probability' "$work/late.out"
		check "SIG$sig while writing: no temporary file" [ -z "$(find "$work" -name 'late.*.tmp.*')" ]
	done
fi
check "run --csv" [ "$(status "$ccsim" run "$demo" --reps 300 --quiet --csv "$work/tables.csv")" = 0 ]
check "run --csv tables" [ "$(grep -c -E '^(district|category),' "$work/tables.csv")" = 21 ]

# the progress bar: on a terminal only, never with --quiet or a redirected stderr
check "no progress bar when stderr is a file" [ "$(status "$ccsim" run "$demo" --reps 2000)" = 0 ]
check "no progress text in the file" bash -c "! grep -q 'reps/s' '$work/err'"
if command -v script >/dev/null; then
	script -q -e -c "'$ccsim' run '$demo' --reps 20000 >/dev/null" "$work/tty.log" >/dev/null 2>&1
	check "a progress bar on a terminal" grep -q 'reps/s, [0-9]*:[0-9][0-9] left' "$work/tty.log"
	script -q -e -c "'$ccsim' run '$demo' --reps 20000 --quiet" "$work/tty-quiet.log" >/dev/null 2>&1
	check "no progress bar with --quiet" bash -c "! grep -q 'reps/s' '$work/tty-quiet.log'"
fi

checks_done
