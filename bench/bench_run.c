/*
 * bench_run: replications per second and peak resident memory of one run.
 *
 *   bench_run SCENARIO REPLICATIONS THREADS
 *
 * Prints one line: scenario, replications, threads, seconds, replications
 * per second, peak resident set in MiB (getrusage, the whole process). The
 * scenario's policies run as in `ccsim run`; setup is outside the timing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "bench_scenario.h"
#include "diag.h"
#include "plugin.h"
#include "runner.h"
#include "scenario.h"

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: bench_run SCENARIO REPLICATIONS THREADS\n");
		return 2;
	}
	struct diag d;
	struct scenario *s = bench_scenario(argv[1], &d);
	if (s == NULL)
		return 2;
	struct plugin_path path;
	plugin_path_init(&path, argv[1]);
	struct plugin_host *host = plugin_host_new(s, &path, 20261122, &d);
	plugin_path_free(&path);
	if (host == NULL) {
		diag_print(&d, stderr);
		diag_free(&d);
		scenario_free(s);
		return 2;
	}
	diag_free(&d);
	struct run_options options = {.seed = 20261122, .replications = atoll(argv[2]),
				      .threads = atoi(argv[3]), .hooks = plugin_host_hooks(host)};
	struct run_result r;
	diag_init(&d, argv[1]);
	if (options.replications < 1 || options.threads < 1 ||
	    run_simulation(s, &options, &r, &d) != 0) {
		fprintf(stderr, "bench_run: cannot run:\n");
		diag_print(&d, stderr);
		diag_free(&d);
		plugin_host_free(host);
		scenario_free(s);
		return 1;
	}
	struct rusage usage;
	getrusage(RUSAGE_SELF, &usage);
	const char *file = strrchr(argv[1], '/');
	printf("%-32s reps %9lld  threads %d  %8.2f s  %8.0f reps/s  peak RSS %6.1f MiB\n",
	       file ? file + 1 : argv[1], (long long)options.replications, options.threads,
	       r.seconds, (double)options.replications / r.seconds, usage.ru_maxrss / 1024.0);
	run_result_free(&r);
	plugin_host_free(host);
	scenario_free(s);
	return 0;
}
