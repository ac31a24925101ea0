/*
 * The chi-square fit of varying.h's binomial draws shared by the tests of
 * the draws (test_varying) and of the uncertain inputs that use them
 * (test_uncertain). Include it after cmocka.h: it asserts what it draws.
 */
#ifndef CCSIM_TESTS_VARYING_FIT_H
#define CCSIM_TESTS_VARYING_FIT_H

#include <stdint.h>
#include <stdlib.h>

#include "rng.h"
#include "stats.h"
#include "varying.h"

/*
 * Chi-square p-value of DRAWS draws of Binomial(n, P), n from N_LO to N_HI
 * in turn, each draw's rate set up anew (as each replication's) through
 * GRID (NULL: the walk or BTRS, without the grid), on stream (SEED,
 * STREAM, 0), against the pmf at CLAIMED.
 */
static inline double varying_fit_binomial(struct varying_grid *grid, uint64_t seed, uint64_t stream,
					  int draws, int64_t n_lo, int64_t n_hi, double p,
					  double claimed)
{
	double *observed = calloc((size_t)n_hi + 1, sizeof *observed);
	double *expected = calloc((size_t)n_hi + 1, sizeof *expected);
	assert_non_null(observed);
	assert_non_null(expected);
	struct rng r;
	rng_init(&r, seed, stream, 0);
	int64_t span = n_hi - n_lo + 1;
	for (int i = 0; i < draws; i++) {
		struct varying_binomial b;
		varying_binomial_init_grid(&b, p, grid);
		int64_t n = n_lo + i % span;
		int64_t k = varying_binomial_draw(&b, &r, n);
		assert_true(k >= 0 && k <= n);
		observed[k]++;
	}
	for (int64_t n = n_lo; n <= n_hi; n++) {
		double share = (double)(draws / span + (n - n_lo < draws % span ? 1 : 0));
		for (int64_t k = 0; k <= n; k++)
			expected[k] += share * stats_binomial_pmf(k, n, claimed);
	}
	double pvalue = stats_chi_square_test(observed, expected, (int)n_hi + 1);
	free(observed);
	free(expected);
	return pvalue;
}

#endif
