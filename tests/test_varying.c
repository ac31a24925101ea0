/*
 * varying.h's grid: Binomial(n, p) and Poisson(mu) at a rate set anew in
 * every replication, drawn from the kept tables of the nearest grid point
 * and corrected by thinning (or by adding successes), against the exact
 * pmf. Chi-square at a fixed seed, p-value floor STATS_P_FLOOR (stats.h):
 * rates on grid points, just off them, between two, where the marks come
 * gap by gap or are drawn by sample.h, past the tables, 0 and 1; a
 * replication's draws one after another, the marks' gap carried between
 * them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>

#include "inversion.h"
#include "rng.h"
#include "stats.h"
#include "varying.h"
#include "varying_fit.h"

#define SEED 20261122
#define DRAWS 200000

/* The fit of DRAWS grid draws on stream (SEED, STREAM) (varying_fit.h). */
static double grid_binomial_fit(struct varying_grid *grid, uint64_t stream, int64_t n_lo,
				int64_t n_hi, double p, double claimed)
{
	return varying_fit_binomial(grid, SEED, stream, DRAWS, n_lo, n_hi, p, claimed);
}

static void grid_binomials_follow_the_exact_pmf(void **state)
{
	(void)state;
	struct inversion_tables *tables = inversion_tables_new();
	struct varying_grid *grid = varying_grid_new(tables);
	assert_non_null(grid);
	const struct {
		int64_t n_lo, n_hi;
		double p;
	} cases[] = {
		{20, 600, 0.12},             /* a rectification: n split, points above and below */
		{0, 60, 0.08},               /* its rebound */
		{100, 100, 0.125},           /* a grid point (2^-3): no correction */
		{100, 100, 0.1171875},       /* the point below it, 15/128 */
		{100, 100, 0.125 - 1e-9},    /* just below a point: a few removals */
		{100, 100, 0.1171875 + 1e-9}, /* just above one: a few successes added */
		{300, 300, 0.121},           /* between, nearer the point below: added */
		{300, 300, 0.1215},          /* between, nearer the point above: removed */
		{4000, 4000, 0.02},          /* marks in most draws */
		{1000, 1000, 0.9},           /* several marks a draw: gap by gap */
		{1000, 1000, 0.89},          /* and past VARYING_MARKS_MANY: sample.h */
		{1000, 1000, 1e-4},          /* a small rate */
		{5000, 5000, 0.12},          /* past the tables: BTRS at p */
		{50, 50, 1e-9},              /* below the grid: without it */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		double pvalue = grid_binomial_fit(grid, i, cases[i].n_lo, cases[i].n_hi, cases[i].p,
						  cases[i].p);
		if (pvalue <= STATS_P_FLOOR)
			print_error("Binomial(%lld..%lld, %.17g): p-value %g\n", (long long)cases[i].n_lo,
				    (long long)cases[i].n_hi, cases[i].p, pvalue);
		assert_true(pvalue > STATS_P_FLOOR);
	}
	/* the test can fail: draws at 0.12 are not Binomial(n, 0.125) nor
	 * Binomial(n, 0.1171875), grid points near it (above and below with 8
	 * or 16 points an octave; with 32, two points farther) */
	assert_true(grid_binomial_fit(grid, 100, 300, 600, 0.12, 0.125) < STATS_P_FLOOR);
	assert_true(grid_binomial_fit(grid, 101, 300, 600, 0.12, 0.1171875) < STATS_P_FLOOR);
	varying_grid_free(grid);
	inversion_tables_free(tables);
}

static void grid_binomials_at_0_and_1_are_certain(void **state)
{
	(void)state;
	struct inversion_tables *tables = inversion_tables_new();
	struct varying_grid *grid = varying_grid_new(tables);
	struct rng r;
	rng_init(&r, SEED, 7, 0);
	for (int64_t n = 0; n <= 700; n += 7) {
		struct varying_binomial none, all;
		varying_binomial_init_grid(&none, 0.0, grid);
		varying_binomial_init_grid(&all, 1.0, grid);
		assert_int_equal(varying_binomial_draw(&none, &r, n), 0);
		assert_int_equal(varying_binomial_draw(&all, &r, n), n);
	}
	varying_grid_free(grid);
	inversion_tables_free(tables);
}

static void grid_poissons_follow_the_exact_pmf(void **state)
{
	(void)state;
	struct inversion_tables *tables = inversion_tables_new();
	struct varying_grid *grid = varying_grid_new(tables);
	/* on a point (2.0, 100.0), off them, past the tables (100.5, 400) */
	const double means[] = {0.3, 2.0, 3.0, 15.9, 25.0, 99.9, 100.0, 100.5, 400.0};
	for (size_t i = 0; i < sizeof means / sizeof means[0]; i++) {
		int cells = stats_poisson_cells(means[i]);
		/* room for the cells of the wrong mean below, zero past CELLS */
		double *observed = calloc((size_t)cells + 16, sizeof *observed);
		struct rng r;
		rng_init(&r, SEED, 50 + i, 0);
		for (int d = 0; d < DRAWS; d++) {
			struct varying_poisson s;
			varying_poisson_init_grid(&s, means[i], grid);
			int64_t k = varying_poisson_draw(&s, &r);
			assert_true(k >= 0);
			observed[k < cells - 1 ? k : cells - 1]++;
		}
		double pvalue = stats_poisson_test(observed, means[i], DRAWS);
		if (pvalue <= STATS_P_FLOOR)
			print_error("Poisson(%g): p-value %g\n", means[i], pvalue);
		assert_true(pvalue > STATS_P_FLOOR);
		/* and it can fail: draws at 3.0 are not Poisson(3.125) */
		if (means[i] == 3.0)
			assert_true(stats_poisson_test(observed, 3.125, DRAWS) < STATS_P_FLOOR);
		free(observed);
	}
	struct varying_poisson zero;
	struct rng r;
	rng_init(&r, SEED, 49, 0);
	varying_poisson_init_grid(&zero, 0.0, grid);
	assert_int_equal(varying_poisson_draw(&zero, &r), 0);
	varying_grid_free(grid);
	inversion_tables_free(tables);
}

/*
 * A replication's draws at one rate carry the marks' gap from week to week
 * (varying.h): each draw must still be Binomial(n, p) whatever the draws
 * before, its n depending on them. A cell whose problems are each fixed
 * with p a week, never to come back, has Binomial(n0, 1 - (1 - p)^T) fixed
 * after T weeks; one whose fixes are redone by the next week's draw (n the
 * last draw, as a rebound's) has Binomial(n0, p^T) in week T; T weekly
 * Poisson(mu) draws sum to Poisson(T mu). Chi-square against those exact
 * pmfs, at rates whose marks come every few draws (between grid points:
 * successes added, and removed); and the test can fail: the same draws are
 * not what the grid point's rate gives.
 */
static void grid_draws_carried_across_weeks(void **state)
{
	(void)state;
	struct inversion_tables *tables = inversion_tables_new();
	struct varying_grid *grid = varying_grid_new(tables);
	assert_non_null(grid);
	const struct {
		int64_t n0;
		int weeks, redone;
		double p, point; /* the rate, and a grid point beside it */
	} cases[] = {
		{600, 12, 0, 0.121, 0.1171875},  /* successes added (the point below) */
		{600, 12, 0, 0.1215, 0.125},     /* removed (the point above) */
		{300, 12, 0, 0.0931, 0.09375},
		{200, 3, 1, 0.61, 0.625},        /* successes of successes, removed */
		{200, 3, 1, 0.57, 0.5625},       /* added */
	};
	enum { REPLICATIONS = 100000 };
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t n0 = cases[i].n0;
		double *observed = calloc((size_t)n0 + 1, sizeof *observed);
		double *expected = calloc((size_t)n0 + 1, sizeof *expected);
		assert_true(observed != NULL && expected != NULL);
		struct rng r;
		rng_init(&r, SEED, 200 + i, 0);
		for (int d = 0; d < REPLICATIONS; d++) {
			struct varying_binomial b;
			varying_binomial_init_grid(&b, cases[i].p, grid);
			int64_t open = n0, last = n0, x = 0;
			for (int t = 0; t < cases[i].weeks; t++) {
				x = varying_binomial_draw(&b, &r, cases[i].redone ? last : open);
				open -= x;
				last = x;
			}
			observed[cases[i].redone ? last : n0 - open]++;
		}
		for (int pass = 0; pass < 2; pass++) {
			double p = pass == 0 ? cases[i].p : cases[i].point;
			double rate = cases[i].redone ? pow(p, cases[i].weeks)
						      : -expm1(cases[i].weeks * log1p(-p));
			for (int64_t k = 0; k <= n0; k++)
				expected[k] = REPLICATIONS * stats_binomial_pmf(k, n0, rate);
			double pvalue = stats_chi_square_test(observed, expected, (int)n0 + 1);
			if (pass == 0 && pvalue <= STATS_P_FLOOR)
				print_error("%d weeks at %g: p-value %g\n", cases[i].weeks, p, pvalue);
			assert_true(pass == 0 ? pvalue > STATS_P_FLOOR : pvalue < STATS_P_FLOOR);
		}
		free(observed);
		free(expected);
	}
	/* arrivals: 3.1 a week thinned from the point above, 3.25 */
	int cells = stats_poisson_cells(12 * 3.25);
	double *observed = calloc((size_t)cells, sizeof *observed);
	assert_non_null(observed);
	struct rng r;
	rng_init(&r, SEED, 299, 0);
	for (int d = 0; d < REPLICATIONS; d++) {
		struct varying_poisson s;
		varying_poisson_init_grid(&s, 3.1, grid);
		int64_t sum = 0;
		for (int t = 0; t < 12; t++)
			sum += varying_poisson_draw(&s, &r);
		observed[sum < cells - 1 ? sum : cells - 1]++;
	}
	assert_true(stats_poisson_test(observed, 12 * 3.1, REPLICATIONS) > STATS_P_FLOOR);
	assert_true(stats_poisson_test(observed, 12 * 3.25, REPLICATIONS) < STATS_P_FLOOR);
	free(observed);
	varying_grid_free(grid);
	inversion_tables_free(tables);
}

/*
 * A draw's value depends on its stream, n and the rate alone: not on
 * whether the grid's tables were kept (two grids on one registry, as two
 * threads'), built draw by draw (no tables), nor on the draws before.
 */
static void grid_draws_do_not_depend_on_the_tables(void **state)
{
	(void)state;
	struct inversion_tables *tables = inversion_tables_new();
	struct varying_grid *first = varying_grid_new(tables), *second = varying_grid_new(tables);
	struct varying_grid *bare = varying_grid_new(NULL);
	const double rates[] = {0.12, 0.0931, 0.125, 0.1171875, 0.5, 0.89, 0.9, 0.02, 1e-4, 0.3};
	for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++) {
		for (int64_t n = 0; n <= 1200; n += 13) {
			struct varying_binomial a, b, c;
			varying_binomial_init_grid(&a, rates[i], first);
			varying_binomial_init_grid(&b, rates[i], second);
			varying_binomial_init_grid(&c, rates[i], bare);
			struct rng r1, r2, r3;
			rng_init(&r1, SEED, i, (uint64_t)n);
			r2 = r3 = r1;
			for (int d = 0; d < 12; d++) {
				int64_t x = varying_binomial_draw(&a, &r1, n);
				assert_int_equal(x, varying_binomial_draw(&b, &r2, n));
				assert_int_equal(x, varying_binomial_draw(&c, &r3, n));
			}
			uint64_t next = rng_next(&r1);
			assert_true(next == rng_next(&r2) && next == rng_next(&r3)); /* in step */
		}
		struct varying_poisson a, c;
		varying_poisson_init_grid(&a, 40.0 * rates[i], first);
		varying_poisson_init_grid(&c, 40.0 * rates[i], bare);
		struct rng r1, r3;
		rng_init(&r1, SEED, i, 9999);
		r3 = r1;
		for (int d = 0; d < 200; d++)
			assert_int_equal(varying_poisson_draw(&a, &r1), varying_poisson_draw(&c, &r3));
	}
	assert_true(inversion_tables_bytes(tables) < ((size_t)16 << 20));
	varying_grid_free(first);
	varying_grid_free(second);
	varying_grid_free(bare);
	inversion_tables_free(tables);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(grid_binomials_follow_the_exact_pmf),
		cmocka_unit_test(grid_binomials_at_0_and_1_are_certain),
		cmocka_unit_test(grid_poissons_follow_the_exact_pmf),
		cmocka_unit_test(grid_draws_carried_across_weeks),
		cmocka_unit_test(grid_draws_do_not_depend_on_the_tables),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
