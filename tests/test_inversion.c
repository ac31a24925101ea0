/*
 * inversion: the tabled binomial and Poisson draws against their exact
 * distributions (chi-square, fixed seeds, the p-value floor of stats.h),
 * and the promise that tables change a draw's speed, never its value.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>

#include "ccsim_limits.h"
#include "inversion.h"
#include "stats.h"

#define DRAWS 200000

/* Chi-square of DRAWS draws of Binomial(n, p), n changing draw by draw
 * among N_LO..N_HI, against the mixture's exact pmf. */
static double binomial_fit(struct inversion_tables *tables, uint64_t seed, int64_t n_lo,
			   int64_t n_hi, double p)
{
	struct binomial_source source;
	inversion_binomial_init(&source, p, tables);
	struct rng r;
	rng_init(&r, seed, 0, 0);
	double *observed = calloc((size_t)n_hi + 1, sizeof *observed);
	double *expected = calloc((size_t)n_hi + 1, sizeof *expected);
	int64_t span = n_hi - n_lo + 1;
	for (int i = 0; i < DRAWS; i++) {
		int64_t n = n_lo + i % span;
		int64_t k = inversion_binomial_draw(&source, &r, n);
		assert_true(k >= 0 && k <= n);
		observed[k]++;
	}
	for (int64_t n = n_lo; n <= n_hi; n++) {
		double share = (double)(DRAWS / span + (n - n_lo < DRAWS % span ? 1 : 0));
		for (int64_t k = 0; k <= n; k++)
			expected[k] += share * stats_binomial_pmf(k, n, p);
	}
	double pvalue = stats_chi_square_test(observed, expected, (int)n_hi + 1);
	free(observed);
	free(expected);
	return pvalue;
}

static void binomial_tables_are_exact(void **state)
{
	struct inversion_tables *tables = *state;
	assert_true(binomial_fit(tables, 1, 20, 600, 0.12) > STATS_P_FLOOR); /* a cell's rectified */
	assert_true(binomial_fit(tables, 2, 0, 60, 0.08) > STATS_P_FLOOR);   /* its rebound */
	assert_true(binomial_fit(tables, 3, 120, 120, 0.85) > STATS_P_FLOOR);
	assert_true(binomial_fit(tables, 4, 1, 5, 0.5) > STATS_P_FLOOR);
	/* n p (1 - p) = 100 at the edge of the tables, and past it (BTRS) */
	assert_true(binomial_fit(tables, 5, 400, 400, 0.5) > STATS_P_FLOOR);
	assert_true(binomial_fit(tables, 6, 401, 460, 0.5) > STATS_P_FLOOR);
	assert_true(inversion_tables_bytes(tables) > 100000);
}

/* The same test rejects a wrong p: it can fail. */
static void binomial_fit_rejects_a_wrong_p(void **state)
{
	struct inversion_tables *tables = *state;
	struct binomial_source source;
	inversion_binomial_init(&source, 0.31, tables);
	struct rng r;
	rng_init(&r, 7, 0, 0);
	double observed[101] = {0}, expected[101];
	for (int i = 0; i < DRAWS; i++)
		observed[inversion_binomial_draw(&source, &r, 100)]++;
	for (int k = 0; k <= 100; k++)
		expected[k] = DRAWS * stats_binomial_pmf(k, 100, 0.30);
	assert_true(stats_chi_square_test(observed, expected, 101) < STATS_P_FLOOR);
}

static double poisson_fit(struct inversion_tables *tables, uint64_t seed, double mu)
{
	struct poisson_source source;
	inversion_poisson_init(&source, mu, tables);
	struct rng r;
	rng_init(&r, seed, 0, 0);
	int cells = stats_poisson_cells(mu);
	double *observed = calloc((size_t)cells, sizeof *observed);
	for (int i = 0; i < DRAWS; i++) {
		int64_t k = inversion_poisson_draw(&source, &r);
		assert_true(k >= 0);
		observed[k < cells ? k : cells - 1]++;
	}
	double pvalue = stats_poisson_test(observed, mu, DRAWS);
	free(observed);
	return pvalue;
}

static void poisson_tables_are_exact(void **state)
{
	struct inversion_tables *tables = *state;
	assert_true(poisson_fit(tables, 11, 0.3) > STATS_P_FLOOR);
	assert_true(poisson_fit(tables, 12, 3.0) > STATS_P_FLOOR);
	assert_true(poisson_fit(tables, 13, 25.0) > STATS_P_FLOOR);
	assert_true(poisson_fit(tables, 14, 100.0) > STATS_P_FLOOR); /* the last tabled mean */
	assert_true(poisson_fit(tables, 15, 140.0) > STATS_P_FLOOR); /* PTRS */
	struct poisson_source none;
	inversion_poisson_init(&none, 0.0, tables);
	struct rng r;
	rng_init(&r, 16, 0, 0);
	assert_int_equal(inversion_poisson_draw(&none, &r), 0);
}

/*
 * Kept tables, no tables (every draw builds its own) and a budget run out
 * partway draw the same values from the same streams.
 */
static void tables_never_change_a_draw(void **state)
{
	(void)state;
	struct inversion_tables *kept = inversion_tables_new();
	assert_non_null(kept);
	static const double rates[] = {0.12, 0.08, 0.5, 0.93, 0.0005, 1e-9};
	for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++) {
		struct binomial_source with, without;
		inversion_binomial_init(&with, rates[i], kept);
		inversion_binomial_init(&without, rates[i], NULL);
		struct rng a, b;
		rng_init(&a, 21, i, 0);
		rng_init(&b, 21, i, 0);
		for (int64_t n = 0; n < 5000; n += 1 + n / 50) {
			assert_int_equal(inversion_binomial_draw(&with, &a, n),
					 inversion_binomial_draw(&without, &b, n));
			assert_int_equal(rng_next(&a), rng_next(&b));
		}
	}
	static const double means[] = {0.5, 9.99, 10.0, 64.0, 100.0, 100.5};
	for (size_t i = 0; i < sizeof means / sizeof means[0]; i++) {
		struct poisson_source with, without;
		inversion_poisson_init(&with, means[i], kept);
		inversion_poisson_init(&without, means[i], NULL);
		struct rng a, b;
		rng_init(&a, 22, i, 0);
		rng_init(&b, 22, i, 0);
		for (int j = 0; j < 2000; j++)
			assert_int_equal(inversion_poisson_draw(&with, &a), inversion_poisson_draw(&without, &b));
	}
	/* past the budget: distinct rates until no more tables are kept */
	size_t before = 0;
	int full = 0;
	for (int i = 0; i < 4000 && !full; i++) {
		double p = 0.05 + 0.4 * i / 4000.0;
		struct binomial_source with, without;
		inversion_binomial_init(&with, p, kept);
		inversion_binomial_init(&without, p, NULL);
		struct rng a, b;
		rng_init(&a, 23, (uint64_t)i, 0);
		rng_init(&b, 23, (uint64_t)i, 0);
		for (int64_t n = 100; n < 200; n++)
			assert_int_equal(inversion_binomial_draw(&with, &a, n),
					 inversion_binomial_draw(&without, &b, n));
		size_t bytes = inversion_tables_bytes(kept);
		assert_true(bytes <= LIMIT_TABLE_BYTES);
		full = bytes == before;
		before = bytes;
	}
	assert_true(full);
	inversion_tables_free(kept);
}

/* Threads building the same tables at once agree with one thread. */
static void threads_share_the_tables(void **state)
{
	(void)state;
	struct inversion_tables *shared = inversion_tables_new();
	assert_non_null(shared);
	int64_t sums[4] = {0};
#pragma omp parallel for num_threads(4)
	for (int t = 0; t < 4; t++) {
		struct binomial_source source;
		inversion_binomial_init(&source, 0.12, shared);
		struct rng r;
		rng_init(&r, 24, 0, 0);
		for (int64_t n = 0; n < 800; n++)
			sums[t] += inversion_binomial_draw(&source, &r, n);
	}
	struct binomial_source alone;
	inversion_binomial_init(&alone, 0.12, NULL);
	struct rng r;
	rng_init(&r, 24, 0, 0);
	int64_t sum = 0;
	for (int64_t n = 0; n < 800; n++)
		sum += inversion_binomial_draw(&alone, &r, n);
	for (int t = 0; t < 4; t++)
		assert_int_equal(sums[t], sum);
	inversion_tables_free(shared);
}

static int tables_new(void **state)
{
	*state = inversion_tables_new();
	return *state == NULL;
}

static int tables_free(void **state)
{
	inversion_tables_free(*state);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(binomial_tables_are_exact),
		cmocka_unit_test(binomial_fit_rejects_a_wrong_p),
		cmocka_unit_test(poisson_tables_are_exact),
		cmocka_unit_test(tables_never_change_a_draw),
		cmocka_unit_test(threads_share_the_tables),
	};
	return cmocka_run_group_tests(tests, tables_new, tables_free);
}
