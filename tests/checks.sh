# What the shell tests share; source it first: it makes $work, a scratch
# directory removed at exit. check NAME CONDITION... counts a pass or prints the failure;
# status CMD... runs CMD into $work/out and $work/err and prints its exit
# status; comparable FILE is the JSON but seconds, threads and processes;
# checks_done prints the counts and fails when any check failed.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

check() {
	local name=$1
	shift
	if "$@"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAILED: $name"
	fi
}

status() {
	"$@" >"$work/out" 2>"$work/err"
	echo $?
}

comparable() { grep -v -E '^ *"(seconds|threads|processes)":' "$1"; }

checks_done() {
	echo "$passed passed, $failed failed"
	[ "$failed" = 0 ]
}
