#!/usr/bin/env bash
# Each command reads the scenario file, every file it includes and each
# plugin file once, however many variants, points or steps it runs
# (strace counts the successful opens of each).
# Usage: open_once_test.sh CCSIM SOURCE_DIR
set -u
ccsim=$1
src=$2
. "$(dirname "$0")/checks.sh"

if ! command -v strace >/dev/null; then
	echo "strace is missing (see the README's Quick start)"
	exit 1
fi
# LeakSanitizer cannot run under ptrace: in the sanitizer build, leaks are
# the other tests' to find
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0

# a scenario that includes another, with two policies of two plugins, all
# in one folder (the scenario's own folder is searched for plugins first);
# the sensitivity list is the demo's
cp "$src/scenarios/demo-city.cfg" "$work/city.cfg"
cp "$src/plugins/road_chief.lua" "$src/plugins/extra_enforcement.lua" "$work/"
cat >"$work/policy.cfg" <<'CFG'
@include "city.cfg"
policies = (
  { plugin = "road_chief"; params = { boost = 0.10; staff_per_district = 25; }; },
  { plugin = "extra_enforcement"; params = { officers = 0; efficiency = 0.35; }; }
);
CFG

# opens NAME ARGS...: runs ccsim ARGS under strace; the log is $work/NAME.trace
opens() {
	local name=$1
	shift
	(cd "$work" && strace -f -qq -e trace=open,openat,openat2 -o "$work/$name.trace" \
		"$ccsim" "$@" --quiet >"$work/$name.out" 2>"$work/$name.err")
	echo $?
}

# once NAME FILE: FILE was opened exactly once by the command NAME
once() {
	local count
	count=$(grep -E "open(at2?)?\(.*\"([^\"]*/)?$2\"" "$work/$1.trace" | grep -v -c ' = -1 ')
	if [ "$count" != 1 ]; then
		echo "  $1 opened $2 $count times"
		return 1
	fi
}

files="policy.cfg city.cfg road_chief.lua extra_enforcement.lua"
check_command() { # NAME ARGS...
	local name=$1
	shift
	check "$name runs" [ "$(opens "$name" "$@")" = 0 ]
	for f in $files; do
		check "$name opens $f once" once "$name" "$f"
	done
}

check_command run run policy.cfg --reps 200 --threads 2
check_command compare compare policy.cfg --variant "fast: defaults.rectify_rate=0.2" \
	--variant "slow: defaults.rectify_rate=0.05" --reps 200 --threads 2
check_command sweep sweep policy.cfg --param defaults.rectify_rate=0.05:0.3:5 --reps 100 --threads 2
check_command tornado sensitivity policy.cfg --reps 100 --threads 2
check_command morris sensitivity policy.cfg --method morris --trajectories 2 --reps 50 --threads 2
check_command allocate allocate policy.cfg --policy 2 --param officers --budget 20 --step 10 \
	--reps 100 --threads 2
check_command check check policy.cfg
# the test itself: a second read would be counted
check "the count sees a file read twice" bash -c "! (cd '$work' && strace -f -qq -e trace=open,openat,openat2 -o '$work/twice.trace' cat policy.cfg policy.cfg >/dev/null && grep -q . '$work/twice.trace' && [ \"\$(grep -v ' = -1 ' '$work/twice.trace' | grep -c 'policy.cfg')\" = 1 ])"
checks_done
