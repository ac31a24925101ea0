/*
 * bench_run: replications per second and peak resident memory of one run.
 *
 *   bench_run SCENARIO REPLICATIONS THREADS
 *
 * Prints one line: scenario, replications, threads, seconds, replications
 * per second, peak resident set in MiB (getrusage, the whole process).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "diag.h"
#include "runner.h"
#include "scenario.h"

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: bench_run SCENARIO REPLICATIONS THREADS\n");
		return 2;
	}
	struct diag d;
	diag_init(&d, argv[1]);
	struct scenario *s = scenario_load_file(argv[1], &d);
	if (s == NULL) {
		diag_print(&d, stderr);
		diag_free(&d);
		return 2;
	}
	diag_free(&d);
	struct run_options options = {
		.seed = 20261122, .replications = atoll(argv[2]), .threads = atoi(argv[3])};
	struct run_result r;
	char error[256];
	if (options.replications < 1 || options.threads < 1 ||
	    run_simulation(s, &options, &r, error, sizeof error) != 0) {
		fprintf(stderr, "bench_run: cannot run\n");
		scenario_free(s);
		return 1;
	}
	struct rusage usage;
	getrusage(RUSAGE_SELF, &usage);
	printf("%-24s reps %10lld  threads %d  %8.2f s  %10.0f reps/s  peak RSS %6.1f MiB\n",
	       s->name, (long long)options.replications, options.threads, r.seconds,
	       (double)options.replications / r.seconds, usage.ru_maxrss / 1024.0);
	run_result_free(&r);
	scenario_free(s);
	return 0;
}
