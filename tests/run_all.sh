#!/usr/bin/env bash
# The whole test suite, as CI runs it:
#   1. a strict build (-Wall -Wextra -Werror) and every test;
#   2. the scenario loader, then the plugin host, under libFuzzer (clang,
#      ASan, UBSan) for FUZZ_SECONDS (default 60) seconds each;
#   3. every test again under AddressSanitizer and UndefinedBehaviorSanitizer;
#   4. the MPI build (Open MPI): the same JSON on 1, 2 and 3 processes.
# The tests include the report rendered in headless Chromium (package
# chromium).
# Exits non-zero at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
fuzz_seconds=${FUZZ_SECONDS:-60}

step() { printf '\n==== %s\n' "$*"; }

step "strict build and tests"
cmake -S . -B build -DCCSIM_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs"

step "fuzzing the scenario loader for ${fuzz_seconds} s"
CC=clang cmake -S . -B build-fuzz -DCCSIM_FUZZ=ON -DCCSIM_SANITIZE=ON -DCCSIM_TESTS=OFF \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build-fuzz -j"$jobs" --target fuzz_scenario
corpus=build-fuzz/corpus
mkdir -p "$corpus"
cp scenarios/*.cfg "$corpus"/
(cd build-fuzz && LSAN_OPTIONS=suppressions=../fuzz/lsan.supp \
	./fuzz/fuzz_scenario -max_total_time="$fuzz_seconds" -max_len=16384 \
	-dict=../fuzz/scenario.dict -print_final_stats=1 corpus 2>fuzz.log) ||
	{ tail -n 60 build-fuzz/fuzz.log; exit 1; }
grep -E '^stat::number_of_executed_units' build-fuzz/fuzz.log

step "fuzzing the plugin host for ${fuzz_seconds} s"
# fuzzed Lua as a policy's setup and week hook, every limit on: a runaway
# call ends within 2 s, so a unit over 20 s is a hang
cmake --build build-fuzz -j"$jobs" --target fuzz_plugin
plugin_corpus=build-fuzz/plugin-corpus
mkdir -p "$plugin_corpus"
cp plugins/*.lua "$plugin_corpus"/
(cd build-fuzz && LSAN_OPTIONS=suppressions=../fuzz/lsan.supp \
	./fuzz/fuzz_plugin -max_total_time="$fuzz_seconds" -max_len=4096 -timeout=20 \
	-dict=../fuzz/plugin.dict -print_final_stats=1 plugin-corpus 2>fuzz-plugin.log) ||
	{ tail -n 60 build-fuzz/fuzz-plugin.log; exit 1; }
grep -E '^stat::number_of_executed_units' build-fuzz/fuzz-plugin.log

step "tests under AddressSanitizer and UndefinedBehaviorSanitizer"
cmake -S . -B build-asan -DCCSIM_WERROR=ON -DCCSIM_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
cmake --build build-asan -j"$jobs"
ctest --test-dir build-asan --output-on-failure -j"$jobs"

step "MPI build: the same JSON on 1, 2 and 3 processes"
cmake -S . -B build-mpi -DCCSIM_WERROR=ON -DCCSIM_MPI=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build-mpi -j"$jobs"
ctest --test-dir build-mpi --output-on-failure -j"$jobs" -R '^(mpi|cli)$'
