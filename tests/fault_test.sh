#!/usr/bin/env bash
# The out-of-memory sweep (SQLite's, in spirit): each allocation that ccsim's
# own code makes while loading a scenario and running it fails in turn, and
# each such run must end with a message saying memory ran out and exit
# status 1: never a crash, a hang, another status, or (in the sanitizer
# build) an AddressSanitizer or LeakSanitizer report. A failed allocation
# that ccsim is designed to do without (a table of the weekly draws past
# which it draws the same numbers more slowly) must leave the output as it
# was, with status 0.
#
# Usage: fault_test.sh CCSIM_FAULT SOURCE_DIR [SAMPLE]
#   CCSIM_FAULT  ccsim linked with fault_alloc.c (tests/CMakeLists.txt)
#   SAMPLE       "sites" (the default: below), or "first" (each site's first
#                occurrence only, alone and with every later one failing:
#                half the runs); either followed by /K keeps every K-th run
#                of the sample only, from the K-th (the sanitizer build, 5
#                to 10 times slower, runs "first/4": about 500 runs, each
#                site's first occurrence failing in a quarter of them; the
#                normal build's full sample covers every site)
#   FAULT_ALL=1  fail every allocation, not the sample (about 11,000 runs)
#
# The sample. A first run of each case counts the allocations and names each
# one's site: the program's own frames of its stack. A case makes thousands
# of allocations from about 120 to 230 sites, most of them one site over and
# over (a table of the draws, built at a cell's first week at a new rate; a
# Lua table grown by the plugin). What an allocation's failure leads to
# depends on the path that made it, not on how often that path ran before, so
# each site fails at its first, second and last occurrence (the second
# catches a site whose first call takes a path of its own, the last one a
# failure while the work is nearly done and much is allocated), and at its
# first occurrence with every later allocation failing too (the error path
# itself must not need memory). FAULT_ALL=1 checks the claim in full.
set -uo pipefail
fault=$1
source_dir=$2
sample=${3:-sites}
every=1
case $sample in */*) every=${sample#*/} sample=${sample%%/*} ;; esac
case $sample/$every in
sites/[1-9]* | first/[1-9]*) ;;
*) echo "fault_test.sh: SAMPLE is sites or first, optionally /K" >&2; exit 2 ;;
esac
here=$(mktemp -d)
trap 'rm -rf "$here"' EXIT
# a sanitizer's report must not pass for status 1
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=97"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=98"
unset CCSIM_FAULT_AT CCSIM_FAULT_PERSIST CCSIM_FAULT_TRACE CCSIM_FAULT_SITES
export CCSIM_FAULT_LOG=$here/log
failures=0
total_runs=0

# The command's output, without its timing (the first line's "0.42 s").
untimed() { sed -E '1s/, [0-9.]+ s$//' "$1"; }

# check NAME N PERSIST COMMAND...: one run with allocation N failing.
check() {
	local name=$1 n=$2 persist=$3
	shift 3
	total_runs=$((total_runs + 1))
	rm -f "$here/log" # a crash writes none
	# (braces: the shell's own "Aborted" line goes nowhere)
	{ CCSIM_FAULT_AT=$n CCSIM_FAULT_PERSIST=$persist CCSIM_FAULT_TRACE=1 timeout 120 "$@" \
		>"$here/out" 2>"$here/stderr"; } 2>/dev/null
	local status=$? why=
	# the stacks fault_alloc.c wrote apart from ccsim's own messages
	grep -E '^(fault_alloc: |@ 0x)' "$here/stderr" >"$here/trace"
	grep -v -E '^(fault_alloc: |@ 0x)' "$here/stderr" >"$here/err"
	local fired
	fired=$(awk 'NR == 1 { print $4 }' "$here/log" 2>/dev/null)
	if grep -q -E 'Sanitizer|runtime error' "$here/err"; then
		why="a sanitizer's report"
	elif [ "$status" -eq 124 ]; then
		why="no end within 120 s"
	elif [ "$status" -eq 1 ]; then
		grep -q 'out of memory' "$here/err" || why="status 1 without \"out of memory\""
		[ "${fired:-0}" -gt 0 ] || why="status 1, yet no allocation failed"
		ran_out=$((ran_out + 1))
	elif [ "$status" -eq 0 ]; then
		if ! cmp -s <(untimed "$here/out") <(untimed "$here/reference"); then
			why="status 0 with another output"
		elif [ -s "$here/err" ]; then
			why="status 0 with a message"
		fi
		[ "${fired:-0}" -gt 0 ] && did_without=$((did_without + 1))
	else
		why="status $status"
	fi
	if [ -n "$why" ]; then
		failures=$((failures + 1))
		local which="allocation $n failing"
		[ "$persist" = 1 ] && which="allocations from $n on failing"
		echo "FAIL $name: $which: $why"
		if grep -q -E 'Sanitizer|runtime error' "$here/err"; then
			grep -m1 -A14 -E 'ERROR: |runtime error' "$here/err" | sed 's/^/  | /'
		else
			sed -n '1,6s/^/  | /p' "$here/err"
		fi
		explain "$n" "$persist" "$@"
	fi
}

# explain N PERSIST COMMAND...: the run's failed allocation's stack and its
# crash's, if any, as FUNCTION at FILE:LINE (binutils' addr2line).
explain() {
	local n=$1 persist=$2
	shift 2
	echo "  again: CCSIM_FAULT_AT=$n CCSIM_FAULT_PERSIST=$persist CCSIM_FAULT_TRACE=1 $*"
	command -v addr2line >/dev/null || return 0
	awk -v program="$1" -v root="$(cd "$source_dir" && pwd)/" '
		function flush() {
			if (n == 0) return
			command = "addr2line -f -i -p -e " program addresses
			while ((command | getline line) > 0) {
				sub(/ \(discriminator [0-9]+\)/, "", line)
				while ((k = index(line, root)) > 0) # the path, not a pattern
					line = substr(line, 1, k - 1) substr(line, k + length(root))
				if (line !~ /^(__wrap_|fault_now)/ && shown++ < 6)
					print "  |   " line
			}
			close(command)
			n = 0; addresses = ""
		}
		/^fault_alloc: / { flush(); shown = 0; sub(/^fault_alloc: /, ""); print "  | " $0 ":" }
		/^@ / { n++; addresses = addresses " " $2 }
		END { flush() }' "$here/trace"
}

# sweep NAME COMMAND...: the case's count, its sample, each run of it.
sweep() {
	local name=$1
	shift
	CCSIM_FAULT_SITES=1 "$@" >"$here/reference" 2>"$here/err"
	local status=$?
	if [ "$status" -ne 0 ] || [ -s "$here/err" ]; then
		echo "FAIL $name: the run without a failing allocation: status $status"
		cat "$here/err"
		failures=$((failures + 1))
		return
	fi
	local calls sites
	calls=$(awk 'NR == 1 { print $2 }' "$here/log")
	sites=$(awk 'NR > 1 { print $2 }' "$here/log" | sort -u | wc -l)
	# "N PERSIST" lines: the sample (or every allocation)
	if [ "${FAULT_ALL:-0}" = 1 ]; then
		seq 1 "$calls" | sed 's/$/ 0/'
	else
		awk -v sample="$sample" 'NR > 1 {
			seen[$2]++
			if (seen[$2] == 1 || (seen[$2] == 2 && sample == "sites")) print $1, 0
			if (seen[$2] == 1) print $1, 1
			last[$2] = $1
		}
		END {
			if (sample == "sites")
				for (s in last) if (seen[s] > 2) print last[s], 0
		}' "$here/log"
	fi | sort -n -k1,1 -k2,2 | uniq | awk -v k="$every" 'NR % k == 0' >"$here/sample"
	if [ "$calls" -lt 10 ] || [ "$sites" -lt 5 ]; then
		echo "FAIL $name: $calls allocations from $sites sites: is ccsim_fault wrapping them?"
		failures=$((failures + 1))
		return
	fi
	ran_out=0
	did_without=0
	local runs=0
	while read -r n persist; do
		check "$name" "$n" "$persist" "$@"
		runs=$((runs + 1))
	done <"$here/sample"
	echo "$name: $calls allocations from $sites sites; $runs runs: $ran_out out of memory" \
		"(status 1), $did_without did without the memory (same output)"
	# the sweep reaches the paths it means to: the first allocation fails the command
	if [ "$ran_out" -eq 0 ]; then
		echo "FAIL $name: no run ended out of memory"
		failures=$((failures + 1))
	fi
}

cd "$source_dir"
sweep "run demo-city" "$fault" run scenarios/demo-city.cfg --reps 300 --threads 1
sweep "run policy-road-chief" "$fault" run scenarios/demo-city.cfg+scenarios/policy-road-chief.cfg --reps 300 --threads 1
# uncertain inputs: their distributions and copula read, drawn every replication
sweep "run demo-uncertain" "$fault" run scenarios/demo-city.cfg+scenarios/demo-uncertain.cfg --reps 50 --threads 1
# a week hook: hooked blocks (their cells made on first use), the hooks' Lua
# states, uncertain rates drawn without tables in a hooked cell
sweep "run demo-uncertain + mock-inspection" "$fault" run \
	scenarios/demo-city.cfg+scenarios/demo-uncertain.cfg+scenarios/policy-mock-inspection.cfg --reps 40 --threads 1
# two threads: a thread's failure while the other runs (allocations then come
# in a varying order, so a sample's N may land on a neighbour: still one)
sweep "run policy-road-chief, 2 threads" "$fault" run scenarios/demo-city.cfg+scenarios/policy-road-chief.cfg \
	--reps 300 --threads 2

# a long district list: parsed in parts on both threads, its districts read,
# checked and warned about on them, each part freed on the thread that parsed
# it, under a plan that changes one of them (4,200 districts of 2 categories)
long=$here/long.cfg
{
	printf 'version = 1;\nname = "Long";\ncampaign: { weeks = 4; };\n'
	printf 'inspection: { window = [3, 4]; batches = 1; };\n'
	printf 'categories = ( { name = "main_road"; weight = 8.0; deduction = 0.25; lottery = 3; random_view = 1; },\n'
	printf '  { name = "back_street"; weight = 6.0; deduction = 0.2; lottery = 2; random_view = 2; } );\n'
	printf 'defaults: { rectify_rate = 0.15; rebound = 0.05; new_per_week = 1.0; sites = 20; declared = 4;\n'
	printf '  problems = 5; };\ndistricts = (\n'
	for ((i = 0; i < 4200; i++)); do
		comma=,
		[ "$i" -lt 4199 ] || comma=
		printf '  { name = "D%d"; population = %d.0; satisfaction = 0.85; }%s\n' "$i" $((1000 + i)) "$comma"
	done
	printf ');\nsurvey: { respondents = 1200; weight = 20.0; veto_below = 80.0; };\n'
	printf 'pass: { rule = "threshold"; threshold = 20.0; };\n'
} >"$long"
printf 'districts = ( { name = "D3000"; satisfaction = 0.7; } );\n' >"$here/plan.cfg"
sweep "run a long city + plan, 2 threads" "$fault" run "$long+$here/plan.cfg" --reps 20 --threads 2

echo "$total_runs runs, $failures failed"
[ "$failures" -eq 0 ]
