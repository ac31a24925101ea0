#!/usr/bin/env bash
# ccsim over MPI: every running command gives, on 2 and 3 processes, the
# JSON of one process byte for byte (but seconds, threads and processes);
# only process 0 prints and writes; a process that fails ends the job with
# its message, its exit status and no output.
# Usage: mpi_test.sh CCSIM SOURCE_DIR MPIEXEC (CCSIM built with CCSIM_MPI)
set -u
ccsim=$1
src=$2
mpiexec=$3
. "$(dirname "$0")/checks.sh"
# CI runs as root, which Open MPI refuses unless told; every process runs
# on this machine, started without ssh; more processes than cores are wanted
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_plm=isolated
mpi() { "$mpiexec" --oversubscribe "$@"; }

demo="$src/scenarios/demo-city.cfg"
same_on_processes() { # NAME ARGS...: one process, then 2 and 3, same JSON
	local name=$1
	shift
	check "$name: one process" [ "$(status "$ccsim" "$@" --quiet --json "$work/$name-1.json")" = 0 ]
	for np in 2 3; do
		check "$name: $np processes" \
			[ "$(status mpi -np "$np" "$ccsim" "$@" --quiet --json "$work/$name-$np.json")" = 0 ]
		check "$name: $np processes, same JSON" \
			cmp -s <(comparable "$work/$name-1.json") <(comparable "$work/$name-$np.json")
		check "$name: $np processes reported" grep -q "^  \"processes\": $np," "$work/$name-$np.json"
	done
}
same_on_processes run run "$demo" --reps 3000
same_on_processes precision run "$demo" --precision 0.02 --max-reps 40000
same_on_processes compare compare "$demo" --variant "faster: defaults.rectify_rate=0.2" \
	--variant "Beishan: districts.Beishan.rectify_rate=0.2" --reps 2000
same_on_processes sweep sweep "$demo" --param defaults.rectify_rate=0.1:0.2:3 --reps 500
same_on_processes tornado sensitivity "$demo" --reps 300
same_on_processes morris sensitivity "$demo" --method morris --trajectories 3 --reps 100
same_on_processes sobol sensitivity "$demo" --method sobol --samples 16 --reps 50 \
	--param defaults.rectify_rate=0.08:0.2 --param defaults.rebound=0.04:0.15
same_on_processes allocate allocate "$src/bench/allocate-officers.cfg" --policy 1 --param officers \
	--budget 40 --step 20 --reps 300
check "the pass probability is a number" grep -q '"pass_probability": 0\.[0-9]' "$work/run-3.json"

# process 0 alone prints
check "3 processes print once" [ "$(status mpi -np 3 "$ccsim" run "$demo" --reps 1000)" = 0 ]
check "one summary" [ "$(grep -c '^Pass probability' "$work/out")" = 1 ]

# a process that fails on its own (its scenario file is missing) ends the job
rm -f "$work/x.json"
check "a missing file in process 2 ends the job with status 2" \
	[ "$(status mpi -np 1 "$ccsim" run "$demo" --reps 2000 --json "$work/x.json" : \
		-np 1 "$ccsim" run "$work/missing.cfg" --reps 2000 --json "$work/x.json")" = 2 ]
check "process 0 names process 2 and why" grep -q 'process 2 of 2 failed:' "$work/err"
check "with the file's message" grep -q 'missing.cfg: cannot open the scenario' "$work/err"
check "nothing written" [ ! -e "$work/x.json" ]
check "a design point failing in process 2 ends the job" \
	[ "$(status mpi -np 1 "$ccsim" sensitivity "$demo" --method morris --reps 50 --json "$work/x.json" : \
		-np 1 "$ccsim" sensitivity "$work/missing.cfg" --method morris --reps 50 --json "$work/x.json")" = 2 ]
check "nothing written by the design" [ ! -e "$work/x.json" ]

# a plugin failing in a replication: every process knows, one message, exit 3
cp "$demo" "$work/"
cat >"$work/broken.lua" <<'LUA'
local broken = { name = "broken", description = "fails in week 2 of a few replications", params = {} }
function broken.week(state, params, targets)
  if state.week == 2 and state.random() < 0.002 then error("the office is closed") end
end
return broken
LUA
printf '@include "demo-city.cfg"\npolicies = ( { plugin = "broken"; } );\n' >"$work/broken.cfg"
check "a plugin failure on 3 processes exits 3" \
	[ "$(status mpi -np 3 "$ccsim" run "$work/broken.cfg" --reps 3000 --json "$work/x.json")" = 3 ]
check "its message once" [ "$(grep -c 'broken.lua:3: the office is closed (replication [0-9]*)' "$work/err")" = 1 ]
single=$("$ccsim" run "$work/broken.cfg" --reps 3000 2>&1 | grep 'the office is closed')
check "the same replication as one process" grep -qF "$single" "$work/err"
check "nothing written after the plugin failure" [ ! -e "$work/x.json" ]

checks_done
