#!/usr/bin/env bash
# What a planner meets on the command line (issue 13): layered files
# (city.cfg+plan.cfg) in every command, check's list of what each later file
# wrote, compare's variants named by their last file, patterns and scaling in
# --set and --variant, and warnings: printed as FILE:LINE: warning: ..., listed
# in every JSON's "warnings", made errors (exit 2) by --strict.
# Usage: planner_test.sh CCSIM SOURCE_DIR
set -u
ccsim=$1
src=$2
. "$(dirname "$0")/checks.sh"
demo=$src/scenarios/demo-city.cfg
road=$src/scenarios/policy-road-chief.cfg

# ---- layered files ------------------------------------------------------------
cat >"$work/plan-a.cfg" <<'CFG'
# plan A: Xigu's old compounds fixed faster, the survey weighs more
districts = ( { name = "Xigu"; rectify_rate = { old_compound = 0.14; }; } );
survey: { weight = 22.0; };
CFG
check "check city+plan" [ "$(status "$ccsim" check "$demo+$work/plan-a.cfg")" = 0 ]
check "check lists the plan's values and what they replaced" grep -qF \
	"plan-a.cfg:2: replaces districts.Xigu.rectify_rate.old_compound = 0.14 (written at $demo:" "$work/out"
check "check says where every other value comes from" grep -qF "Every value comes from $demo except these" "$work/out"
check "the plan's survey weight is in force" grep -q "^survey .*weight 22," "$work/out"
check "compare city and plans" [ "$(status "$ccsim" compare "$demo" "$demo+$work/plan-a.cfg" \
	"$demo+$road" --reps 200 -q --json "$work/compare.json")" = 0 ]
check "compare names each variant by its last file" python3 -c "
import json
names = [v['name'] for v in json.load(open('$work/compare.json'))['variants']]
assert names == ['demo-city.cfg', 'plan-a.cfg', 'policy-road-chief.cfg'], names
"
printf 'survey: { weight = -1.0; };\n' >"$work/bad-plan.cfg"
check "a bad plan exits 2" [ "$(status "$ccsim" run "$demo+$work/bad-plan.cfg" --reps 10)" = 2 ]
check "the bad plan's line is named" grep -qF "$work/bad-plan.cfg:1: survey: 'weight' is -1" "$work/err"
check "a missing plan exits 2" [ "$(status "$ccsim" run "$demo+$work/none.cfg" --reps 10)" = 2 ]
check "the missing plan is named" grep -qF "$work/none.cfg: cannot open the scenario" "$work/err"

cp "$work/plan-a.cfg" "$work/keep.cfg"
check "an output onto a plan's file is refused" [ "$(status "$ccsim" run "$demo+$work/plan-a.cfg" --reps 10 \
	--json "$work/plan-a.cfg")" = 2 ]
check "the plan is kept" cmp -s "$work/plan-a.cfg" "$work/keep.cfg"

# ---- patterns and scaling ---------------------------------------------------------
check "--set a scale" [ "$(status "$ccsim" check "$demo" --set 'districts.*.rectify_rate*=1.5')" = 0 ]
check "every rate scaled, whatever level gave it" grep -q "old_compound .* 0.12 " "$work/out"
check "--variant with a scale" [ "$(status "$ccsim" compare "$demo" --variant 'fast: districts.*.rectify_rate*=1.2' \
	--reps 200 -q --json "$work/fast.json")" = 0 ]
check "the faster variant passes more" python3 -c "
import json
v = json.load(open('$work/fast.json'))['variants']
assert v[1]['pass_probability'] > v[0]['pass_probability'], v
"
check "a scale out of range exits 2" [ "$(status "$ccsim" run "$demo" --set 'districts.*.rectify_rate*=9' --reps 10)" = 2 ]
check "said once, with a count" grep -q "more values would leave the range likewise" "$work/err"

# ---- warnings -----------------------------------------------------------------------
printf 'survey: { veto_below = 0.8; };\n' >"$work/veto.cfg"
check "a warning does not fail run" [ "$(status "$ccsim" run "$demo+$work/veto.cfg" --reps 200 -q --json "$work/run.json")" = 0 ]
check "run prints the warning with its file and line" grep -qF \
	"$work/veto.cfg:1: warning: survey: veto_below = 0.8 is in percent" "$work/err"
check "run's JSON lists it" python3 -c "
import json
w = json.load(open('$work/run.json'))['warnings']
assert len(w) == 1 and w[0]['file'].endswith('veto.cfg') and w[0]['line'] == 1, w
assert 'veto_below = 80' in w[0]['message']
"
check "check prints it" [ "$(status "$ccsim" check "$demo+$work/veto.cfg" --json "$work/check.json")" = 0 ]
check "check's warning" grep -q "veto.cfg:1: warning:" "$work/err"
check "check's JSON lists it" python3 -c "
import json
assert len(json.load(open('$work/check.json'))['warnings']) == 1
"
check "sweep's JSON lists it once" sh -c "'$ccsim' sweep '$demo+$work/veto.cfg' --param pass.threshold=84:86:2 \
	--reps 100 -q --json '$work/sweep.json' 2>'$work/sweep.err' && python3 -c \"
import json
assert len(json.load(open('$work/sweep.json'))['warnings']) == 1
\" && [ \$(grep -c warning: '$work/sweep.err') = 1 ]"
check "no warning, an empty list" python3 -c "
import json
assert json.load(open('$work/compare.json'))['warnings'] == []
"
check "--strict makes it an error" [ "$(status "$ccsim" run "$demo+$work/veto.cfg" --reps 200 --strict)" = 2 ]
check "--strict says so" grep -q "veto.cfg:1: survey: veto_below = 0.8 is in percent.*(an error with --strict)" "$work/err"
check "--strict on a clean city" [ "$(status "$ccsim" check "$demo" --strict)" = 0 ]

# ---- where the error is: a policy's or a sensitivity entry's problem found by
# the plugin host, in an @include'd file or a later layer, names that file ------
cp "$src/scenarios/minimal.cfg" "$work/inc-city.cfg"
cat >"$work/inc-policy.cfg" <<'CFG'
# a policy, included
policies = (
  { plugin = "road_chief"; districts = ["Centre"];
    params = { categories = ["main_road"];
               boostt = 0.1; }; }
);
CFG
cat >"$work/inc-sens.cfg" <<'CFG'
# a sensitivity entry, included: boost below 0 fails the plugin's setup

sensitivity = ( { path = "policies.1.params.boost"; low = -0.1; high = 0.2; } );
CFG
printf '@include "inc-city.cfg"\n@include "inc-policy.cfg"\n' >"$work/inc-main.cfg"
check "a plugin's parameter problem in an included file exits 2" \
	[ "$(status "$ccsim" check "$work/inc-main.cfg")" = 2 ]
check "named at the included file's line" grep -qF \
	"$work/inc-policy.cfg:5: policy 1 (road_chief): unknown parameter 'boostt'" "$work/err"
sed -i 's/boostt/boost/' "$work/inc-policy.cfg"
printf '@include "inc-sens.cfg"\n' >>"$work/inc-main.cfg"
check "a sensitivity entry the plugin refuses, included, exits 3" \
	[ "$(status "$ccsim" check "$work/inc-main.cfg")" = 3 ]
check "named at the included file's line" grep -qF \
	"$work/inc-sens.cfg:3: sensitivity entry 1: policies.1.params.boost = -0.1 cannot be used" "$work/err"
printf '@include "inc-city.cfg"\n@include "inc-policy.cfg"\n' >"$work/inc-main.cfg"
check "the same entry as a later layer exits 3" \
	[ "$(status "$ccsim" check "$work/inc-main.cfg+$work/inc-sens.cfg")" = 3 ]
check "named at the layer's line" grep -qF \
	"$work/inc-sens.cfg:3: sensitivity entry 1: policies.1.params.boost = -0.1 cannot be used" "$work/err"
# an output onto an @include'd file is refused before any work, the file kept
cp "$work/inc-policy.cfg" "$work/keep.cfg"
check "an output onto an included file exits 2" \
	[ "$(status "$ccsim" run "$work/inc-main.cfg" --reps 10 --json "$work/inc-policy.cfg")" = 2 ]
check "the included file is named and kept" grep -qF "cannot write $work/inc-policy.cfg: the scenario reads it" \
	"$work/err" && cmp -s "$work/inc-policy.cfg" "$work/keep.cfg"
check "so is a --csv onto it in compare" [ "$(status "$ccsim" compare "$work/inc-main.cfg" \
	"$work/inc-main.cfg" --reps 10 --csv "$work/inc-city.cfg")" = 2 ]
cp "$src/tests/data/calibrate/city.cfg" "$work/cal-city.cfg"
cp "$work/cal-city.cfg" "$work/keep.cfg"
printf '@include "cal-city.cfg"\n' >"$work/cal-main.cfg"
check "calibrate's overlay onto an included file exits 2" [ "$(status "$ccsim" calibrate "$work/cal-main.cfg" \
	"$src/tests/data/calibrate/hand.csv" -o "$work/cal-city.cfg")" = 2 ]
check "the file kept" cmp -s "$work/cal-city.cfg" "$work/keep.cfg"

# ---- the scenario's own name is a name (docs/model.md 2.3), as a district's is -------
for bad in '""' '"bad \xff byte"' "\"$(printf 'x%.0s' $(seq 65))\""; do
	sed "s/^version = 1;/version = 1;\nname = $bad;/" "$src/scenarios/minimal.cfg" >"$work/named.cfg"
	check "scenario name $bad refused (exit 2)" [ "$(status "$ccsim" run "$work/named.cfg" --reps 10)" = 2 ]
	check "at its line" grep -q "named.cfg:4: the scenario: 'name' " "$work/err"
done

# ---- a group of more settings than LIMIT_GROUP_SETTINGS is refused at once -----
{ cat "$src/scenarios/minimal.cfg"; echo 'extra: {'; seq -f 'k%.0f = 1;' 1 1025; echo '};'; } >"$work/wide.cfg"
check "a group of 1,025 settings refused (exit 2)" [ "$(status timeout 10 "$ccsim" check "$work/wide.cfg")" = 2 ]
check "said at the 1,025th" grep -q "wide.cfg:1038: a group { } holds more than 1024 settings" "$work/err"
{ cat "$src/scenarios/minimal.cfg"; echo 'extra: {'; seq -f 'k%.0f = 1;' 1 1024; echo '};'; } >"$work/wide.cfg"
check "1,024 are read" [ "$(status timeout 10 "$ccsim" check "$work/wide.cfg")" = 2 ]
check "the unknown key the only problem" bash -c "! grep -q 'holds more than' '$work/err' && grep -q extra '$work/err'"

# ---- a rate set on the command line is warned of as the file's would be ----------
check "a weekly rate of 0.82 by --set: check succeeds" [ "$(status "$ccsim" check "$demo" \
	--set districts.Xigu.rectify_rate=0.82)" = 0 ]
check "and warns that it is a weekly rate" grep -qF "warning: rectify_rate = 0.82 is a weekly rate" "$work/err"
check "--strict refuses it" [ "$(status "$ccsim" check "$demo" --strict \
	--set districts.Xigu.rectify_rate=0.82)" = 2 ]
check "a scaling (PATH*=F) is no rate" [ "$(status "$ccsim" check "$demo" --strict \
	--set 'districts.*.rectify_rate*=1.1')" = 0 ]

# ---- a policy that changes nothing changes nothing, under uncertain rates too ----
# (common random numbers: a week hook's replications draw what the base drew)
cat >"$work/quiet.lua" <<'LUA'
local quiet = { name = "quiet", description = "a week hook that changes nothing", params = {} }
function quiet.setup(scenario, params, targets) return { cost = 0 } end
function quiet.week(state, params, targets)
  local cell = state.district.Xigu.categories.old_compound
  cell.rectify_rate = cell.rectify_rate
end
return quiet
LUA
printf 'policies = ( { plugin = "quiet"; } );\n' >"$work/quiet.cfg"
uncertain=$src/scenarios/demo-uncertain.cfg
check "compare the uncertain demo with and without a quiet policy" [ "$(status "$ccsim" compare \
	"$demo+$uncertain" "$demo+$uncertain+$work/quiet.cfg" --reps 400 -q --json "$work/quiet.json")" = 0 ]
check "the quiet policy's P(pass) is the base's, replication by replication" python3 -c "
import json
v = json.load(open('$work/quiet.json'))['variants']
d = v[1]['against_first']
assert v[0]['pass_probability'] == v[1]['pass_probability'], [x['pass_probability'] for x in v]
assert d['only_variant_passes'] == 0 and d['only_first_passes'] == 0 and d['total_difference'] == 0, d
"

checks_done
