/*
 * sample: each sampler against its exact distribution (chi-square for the
 * discrete ones, Kolmogorov-Smirnov for the continuous ones), with fixed
 * seeds and the p-value floor of stats.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sample.h"
#include "stats.h"

#define DRAWS 200000

/* Chi-square of DRAWS binomial draws against the exact pmf. */
static double binomial_fit(uint64_t seed, int64_t n, double p)
{
	struct rng r;
	rng_init(&r, seed, 0, 0);
	double *observed = calloc((size_t)n + 1, sizeof *observed);
	double *expected = calloc((size_t)n + 1, sizeof *expected);
	double sum = 0.0;
	for (int i = 0; i < DRAWS; i++) {
		int64_t k = sample_binomial(&r, n, p);
		assert_true(k >= 0 && k <= n);
		observed[k]++;
		sum += (double)k;
	}
	for (int64_t k = 0; k <= n; k++)
		expected[k] = DRAWS * stats_binomial_pmf(k, n, p);
	double pvalue = stats_chi_square_test(observed, expected, (int)n + 1);
	free(observed);
	free(expected);
	return pvalue;
}

static void binomial_small_mean_inversion_is_exact(void **state)
{
	(void)state;
	assert_true(binomial_fit(1, 35, 0.18) > STATS_P_FLOOR);  /* n p = 6.3 */
	assert_true(binomial_fit(2, 1000, 0.002) > STATS_P_FLOOR); /* n p = 2 */
	assert_true(binomial_fit(3, 5, 0.5) > STATS_P_FLOOR);
}

static void binomial_large_mean_btrs_is_exact(void **state)
{
	(void)state;
	assert_true(binomial_fit(4, 1200, 0.86) > STATS_P_FLOOR); /* via 1 - p */
	assert_true(binomial_fit(5, 100, 0.3) > STATS_P_FLOOR);
	assert_true(binomial_fit(6, 40, 0.25) > STATS_P_FLOOR);   /* n p = 10: the switch */
}

/* A wrong distribution must fail the same test: the test can fail. */
static void binomial_test_rejects_a_wrong_p(void **state)
{
	(void)state;
	struct rng r;
	rng_init(&r, 7, 0, 0);
	double observed[101] = {0}, expected[101];
	for (int i = 0; i < DRAWS; i++)
		observed[sample_binomial(&r, 100, 0.31)]++;
	for (int k = 0; k <= 100; k++)
		expected[k] = DRAWS * stats_binomial_pmf(k, 100, 0.30);
	assert_true(stats_chi_square_test(observed, expected, 101) < STATS_P_FLOOR);
}

static void binomial_edges(void **state)
{
	(void)state;
	struct rng r;
	rng_init(&r, 8, 0, 0);
	assert_int_equal(sample_binomial(&r, 0, 0.5), 0);
	assert_int_equal(sample_binomial(&r, 10, 0.0), 0);
	assert_int_equal(sample_binomial(&r, 10, 1.0), 10);
	/* a huge n: O(1), mean n p within 6 sd */
	int64_t k = sample_binomial(&r, 1000000000000LL, 0.25);
	assert_true(fabs((double)k - 2.5e11) < 6.0 * sqrt(1e12 * 0.25 * 0.75));
}

static double poisson_fit(uint64_t seed, double mu)
{
	struct rng r;
	rng_init(&r, seed, 0, 0);
	int cells = stats_poisson_cells(mu);
	double *observed = calloc((size_t)cells, sizeof *observed);
	for (int i = 0; i < DRAWS; i++) {
		int64_t k = sample_poisson(&r, mu);
		assert_true(k >= 0);
		observed[k < cells ? k : cells - 1]++;
	}
	double pvalue = stats_poisson_test(observed, mu, DRAWS);
	free(observed);
	return pvalue;
}

static void poisson_is_exact(void **state)
{
	(void)state;
	assert_true(poisson_fit(11, 0.3) > STATS_P_FLOOR);
	assert_true(poisson_fit(12, 6.0) > STATS_P_FLOOR);
	assert_true(poisson_fit(13, 10.0) > STATS_P_FLOOR); /* the PTRS switch */
	assert_true(poisson_fit(14, 250.0) > STATS_P_FLOOR);
	assert_true(poisson_fit(15, 7.0) > STATS_P_FLOOR);
	struct rng r;
	rng_init(&r, 16, 0, 0);
	assert_int_equal(sample_poisson(&r, 0.0), 0);
}

static void uniform_int_is_uniform_and_in_range(void **state)
{
	(void)state;
	struct rng r;
	rng_init(&r, 21, 0, 0);
	double observed[7] = {0}, expected[7];
	for (int i = 0; i < DRAWS; i++) {
		int64_t x = sample_uniform_int(&r, 9, 15);
		assert_true(x >= 9 && x <= 15);
		observed[x - 9]++;
	}
	for (int i = 0; i < 7; i++)
		expected[i] = DRAWS / 7.0;
	assert_true(stats_chi_square_test(observed, expected, 7) > STATS_P_FLOOR);
	assert_int_equal(sample_uniform_int(&r, 4, 4), 4);
}

static double normal_cdf(double x, const double *params)
{
	(void)params;
	return stats_normal_cdf(x);
}

static void normal_is_standard_normal(void **state)
{
	(void)state;
	struct rng r;
	rng_init(&r, 31, 0, 0);
	double *x = malloc(DRAWS * sizeof *x);
	for (int i = 0; i < DRAWS; i++)
		x[i] = sample_normal(&r);
	assert_true(stats_ks_test(x, DRAWS, normal_cdf, NULL) > STATS_P_FLOOR);
	free(x);
}

static double exponential_cdf(double x, const double *params)
{
	(void)params;
	return x > 0.0 ? -expm1(-x) : 0.0;
}

/* Exp(1) by the ziggurat, against its CDF; and the test can fail: the
 * draws scaled by 1.03 are not Exp(1). The tail past the base layer
 * (7.697) is met about once in 2,200 draws. */
static void exponential_is_exp_1(void **state)
{
	(void)state;
	struct rng r;
	rng_init(&r, 37, 0, 0);
	double *x = malloc(DRAWS * sizeof *x);
	int tail = 0;
	for (int i = 0; i < DRAWS; i++) {
		x[i] = sample_exponential(&r);
		assert_true(x[i] >= 0.0);
		tail += x[i] > 7.69711747013104972;
	}
	assert_true(stats_ks_test(x, DRAWS, exponential_cdf, NULL) > STATS_P_FLOOR);
	assert_true(tail > 0);
	for (int i = 0; i < DRAWS; i++)
		x[i] *= 1.03;
	assert_true(stats_ks_test(x, DRAWS, exponential_cdf, NULL) < STATS_P_FLOOR);
	free(x);
}

/* Beta(a, 1) has CDF x^a; Beta(1, b) has CDF 1 - (1 - x)^b; Beta(2, 2) has 3x^2 - 2x^3. */
static double beta_a1_cdf(double x, const double *a) { return pow(x, a[0]); }
static double beta_1b_cdf(double x, const double *b) { return 1.0 - pow(1.0 - x, b[0]); }
static double beta_22_cdf(double x, const double *unused)
{
	(void)unused;
	return x * x * (3.0 - 2.0 * x);
}

static double beta_fit(uint64_t seed, double a, double b, double (*cdf)(double, const double *),
		       const double *params)
{
	struct rng r;
	rng_init(&r, seed, 0, 0);
	double *x = malloc(DRAWS * sizeof *x);
	for (int i = 0; i < DRAWS; i++) {
		x[i] = sample_beta(&r, a, b);
		assert_true(x[i] >= 0.0 && x[i] <= 1.0);
	}
	double p = stats_ks_test(x, DRAWS, cdf, params);
	free(x);
	return p;
}

static void beta_is_exact_for_large_and_small_shapes(void **state)
{
	(void)state;
	double a = 0.3, b = 4.5, big = 258.0;
	assert_true(beta_fit(41, a, 1.0, beta_a1_cdf, &a) > STATS_P_FLOOR);   /* shape < 1 */
	assert_true(beta_fit(42, 1.0, b, beta_1b_cdf, &b) > STATS_P_FLOOR);
	assert_true(beta_fit(43, 2.0, 2.0, beta_22_cdf, NULL) > STATS_P_FLOOR);
	assert_true(beta_fit(44, big, 1.0, beta_a1_cdf, &big) > STATS_P_FLOOR); /* s kappa = 258 */
	/* tiny shapes must not underflow into NaN */
	struct rng r;
	rng_init(&r, 45, 0, 0);
	for (int i = 0; i < 10000; i++) {
		double x = sample_beta(&r, 1e-3, 1e-3);
		assert_true(x >= 0.0 && x <= 1.0);
	}
}

/* Every 3-subset of {0..5} is equally likely (20 subsets). */
static void without_replacement_subsets_are_uniform(void **state)
{
	(void)state;
	struct rng r;
	rng_init(&r, 51, 0, 0);
	struct draw_set set = {0};
	uint64_t out[3];
	double observed[64] = {0}, expected[64] = {0};
	for (int i = 0; i < DRAWS; i++) {
		assert_int_equal(sample_without_replacement(&r, 6, 3, &set, out), 3);
		unsigned mask = 0;
		for (int j = 0; j < 3; j++) {
			assert_true(out[j] < 6);
			mask |= 1u << out[j];
		}
		assert_int_equal(__builtin_popcount(mask), 3); /* distinct */
		observed[mask]++;
	}
	for (unsigned m = 0; m < 64; m++)
		if (__builtin_popcount(m) == 3)
			expected[m] = DRAWS / 20.0;
	/* compare only the 20 possible cells */
	double o[20], e[20];
	int n = 0;
	for (unsigned m = 0; m < 64; m++)
		if (expected[m] > 0.0) {
			o[n] = observed[m];
			e[n] = expected[m];
			n++;
		}
	assert_int_equal(n, 20);
	assert_true(stats_chi_square_test(o, e, 20) > STATS_P_FLOOR);
	sample_draw_set_free(&set);
}

/* O(k) whatever n: a pool of 10^15 sites, and k >= n returns the whole pool. */
static void without_replacement_is_o_of_k(void **state)
{
	(void)state;
	struct rng r;
	rng_init(&r, 52, 0, 0);
	struct draw_set set = {0};
	uint64_t out[1000];
	const uint64_t n = 1000000000000000ULL;
	assert_int_equal(sample_without_replacement(&r, n, 1000, &set, out), 1000);
	for (int i = 0; i < 1000; i++) {
		assert_true(out[i] < n);
		for (int j = 0; j < i; j++)
			assert_true(out[i] != out[j]);
	}
	assert_true(set.capacity <= 4096);
	assert_int_equal(sample_without_replacement(&r, 4, 9, &set, out), 4);
	for (uint64_t i = 0; i < 4; i++)
		assert_int_equal(out[i], i);
	assert_int_equal(sample_without_replacement(&r, 9, 0, &set, out), 0);
	sample_draw_set_free(&set);
}

static void log_factorial_matches_lgamma(void **state)
{
	(void)state;
	for (int64_t k = 0; k < 100000; k += (k < 100 ? 1 : 997))
		assert_true(fabs(sample_log_factorial(k) - lgamma((double)k + 1.0)) <=
			    1e-13 * fmax(1.0, lgamma((double)k + 1.0)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(binomial_small_mean_inversion_is_exact),
		cmocka_unit_test(binomial_large_mean_btrs_is_exact),
		cmocka_unit_test(binomial_test_rejects_a_wrong_p),
		cmocka_unit_test(binomial_edges),
		cmocka_unit_test(poisson_is_exact),
		cmocka_unit_test(uniform_int_is_uniform_and_in_range),
		cmocka_unit_test(normal_is_standard_normal),
		cmocka_unit_test(exponential_is_exp_1),
		cmocka_unit_test(beta_is_exact_for_large_and_small_shapes),
		cmocka_unit_test(without_replacement_subsets_are_uniform),
		cmocka_unit_test(without_replacement_is_o_of_k),
		cmocka_unit_test(log_factorial_matches_lgamma),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
