/*
 * runner: many replications over OpenMP threads, reduced in a fixed order so
 * that the result does not depend on the thread count.
 *
 * Replications are cut into chunks of RUNNER_CHUNK consecutive indices; each
 * chunk is tallied by one thread from scratch and the chunks are merged in
 * index order. Memory holds a few chunks per thread, whatever the number of
 * replications.
 */
#ifndef CCSIM_RUNNER_H
#define CCSIM_RUNNER_H

#include <stddef.h>
#include <stdint.h>

#include "plugin.h"
#include "scenario.h"
#include "tally.h"

#define RUNNER_CHUNK 256

struct run_options {
	uint64_t seed;
	int64_t replications;
	int threads;                        /* >= 1 */
	const struct plugin_host *plugins;  /* NULL: no policies' week hooks */
};

/* What run_simulation returns; the values are the command line's exit statuses. */
enum run_status {
	RUN_OK = 0,
	RUN_NO_MEMORY = 1,
	RUN_PLUGIN_FAILED = 3
};

struct run_result {
	struct tally *tally;
	struct histogram *histogram;
	uint64_t seed;
	int64_t replications;
	int threads;
	int processes;
	double seconds;
};

/*
 * Runs the replications 0 .. replications-1 of S. Returns RUN_OK and fills
 * OUT (release with run_result_free), or another status with a sentence in
 * ERROR; when several replications fail, the one with the lowest index
 * speaks, whatever the thread count.
 */
int run_simulation(const struct scenario *s, const struct run_options *options,
		   struct run_result *out, char *error, size_t error_size);

void run_result_free(struct run_result *r);

#endif
