/*
 * simulate: a run every test expects to succeed, REPS replications on
 * THREADS threads at SEED, into R (release with run_result_free).
 */
#ifndef CCSIM_TESTS_SIMULATE_H
#define CCSIM_TESTS_SIMULATE_H

#include "diag.h"
#include "runner.h"

static inline void simulate(const struct scenario *s, uint64_t seed, int64_t reps, int threads,
			    struct run_result *r)
{
	struct run_options options = {.seed = seed, .replications = reps, .threads = threads};
	struct diag d;
	diag_init(&d, NULL);
	assert_int_equal(run_simulation(s, &options, r, &d), 0);
	diag_free(&d);
	assert_int_equal(r->tally->n, reps);
}

#endif
