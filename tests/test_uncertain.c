/*
 * uncertain: the model's uncertain inputs (docs/model.md), rule by rule.
 * Each distribution drawn through the set (substream, normal score, Phi,
 * F^-1) against its exact CDF, written here independently of the code
 * under test (Kolmogorov-Smirnov, or chi-square for the discrete ones, at
 * fixed seeds and the p-value floor of stats.h: a correct sampler fails one
 * check with probability 1e-4 over seeds, a wrong one almost surely); the
 * copula's rank correlations within their sampling error; and each refusal
 * with the message a planner reads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assert_close.h"
#include "copula.h"
#include "distribution.h"
#include "special.h"
#include "stats.h"
#include "uncertain.h"
#include "varying.h"
#include "varying_fit.h"

#define DRAWS 40000
#define SEED 20261122
#define PI 3.14159265358979323846

/* ---- exact CDFs, independent of sim/random/special.c ---- */

/* I_x(a, b) by its power series (libm's lgamma), on the side of the mean
 * where x lies: I_x(a, b) = x^a / (a B(a, b)) sum_n (1 - b)_n / n!
 * a / (a + n) x^n. */
static double beta_cdf_series(double x, double a, double b)
{
	if (x <= 0.0)
		return 0.0;
	if (x >= 1.0)
		return 1.0;
	if (x > a / (a + b)) /* the smaller tail, which the series gives to full precision */
		return 1.0 - beta_cdf_series(1.0 - x, b, a);
	double log_beta = lgamma(a) + lgamma(b) - lgamma(a + b);
	double term = 1.0, sum = 1.0;
	for (int n = 1; n < 5000; n++) {
		term *= (n - b) / n * x;
		double add = term * a / (a + n);
		sum += add;
		if (fabs(add) < 1e-17 * fabs(sum))
			break;
	}
	return exp(a * log(x) - log_beta) / a * sum;
}

/* params: a, b, min, max */
static double beta_cdf(double x, const double *p)
{
	return beta_cdf_series((x - p[2]) / (p[3] - p[2]), p[0], p[1]);
}

/* params: min, max */
static double uniform_cdf(double x, const double *p)
{
	return fmin(fmax((x - p[0]) / (p[1] - p[0]), 0.0), 1.0);
}

/* params: min, mode, max */
static double triangular_cdf(double x, const double *p)
{
	double a = p[0], c = p[1], b = p[2];
	if (x <= a)
		return 0.0;
	if (x >= b)
		return 1.0;
	if (x <= c)
		return (x - a) * (x - a) / ((b - a) * (c - a));
	return 1.0 - (b - x) * (b - x) / ((b - a) * (b - c));
}

/* params: mean, sd, min, max (infinite for none) */
static double normal_cdf(double x, const double *p)
{
	double lo = stats_normal_cdf((p[2] - p[0]) / p[1]);
	double hi = stats_normal_cdf((p[3] - p[0]) / p[1]);
	double f = stats_normal_cdf((x - p[0]) / p[1]);
	return fmin(fmax((f - lo) / (hi - lo), 0.0), 1.0);
}

/* params: mean, sd of the value */
static double lognormal_cdf(double x, const double *p)
{
	if (x <= 0.0)
		return 0.0;
	double sigma2 = log(1.0 + p[1] * p[1] / (p[0] * p[0]));
	double mu = log(p[0]) - sigma2 / 2.0;
	return stats_normal_cdf((log(x) - mu) / sqrt(sigma2));
}

/* params: shape, rate */
static double gamma_cdf(double x, const double *p)
{
	return x <= 0.0 ? 0.0 : 1.0 - stats_gamma_q(p[0], p[1] * x);
}

/* params: scale, then a CDF's own params (relative scaling by a base value) */
struct scaled_cdf {
	double base;
	double (*cdf)(double, const double *);
	const double *params;
};

/* ---- helpers ---- */

static const struct uncertain_key free_key = {"x", -INFINITY, INFINITY, 0, 0, 0, INFINITY};
static const struct uncertain_key rate_key = {"rectify_rate", 0.0, 1.0, 0, 0, 0, INFINITY};
static const struct uncertain_key population_key = {"population", 0.0, INFINITY, 1, 0, 0, 1e12};
static const struct uncertain_key respondents_key = {"respondents", 1.0, INFINITY, 0, 0, 1, 1e12};

static struct uncertain_spec spec_of(const char *path, struct distribution_spec dist,
				     const struct uncertain_key *key)
{
	struct uncertain_spec spec = {0};
	spec.path = path;
	spec.file = "city.cfg";
	spec.line = 40;
	spec.dist = dist;
	spec.key = *key;
	spec.base_lo = spec.base_hi = 1.0;
	return spec;
}

/* A finished set of the one input SPEC. */
static struct uncertain_set *one_input(const struct uncertain_spec *spec)
{
	struct uncertain_set *set = uncertain_set_new();
	struct diag d;
	diag_init(&d, "city.cfg");
	assert_int_equal(uncertain_set_add(set, spec, &d), 0);
	assert_int_equal(uncertain_set_finish(set, &d), 0);
	assert_int_equal(d.count, 0);
	diag_free(&d);
	return set;
}

/* DRAWS values of input 0 of SET, replication by replication. */
static double *draw_values(const struct uncertain_set *set, uint64_t seed)
{
	int n = uncertain_count(set);
	double *out = malloc(DRAWS * sizeof *out);
	double *value = malloc((size_t)n * sizeof *value), *u = malloc((size_t)n * sizeof *u);
	for (int i = 0; i < DRAWS; i++) {
		uncertain_draw(set, seed, (uint64_t)i, value, u);
		out[i] = value[0];
	}
	free(value);
	free(u);
	return out;
}

/* The KS p-value of input SPEC's draws against CDF. */
static double fit(struct uncertain_spec spec, double (*cdf)(double, const double *),
		  const double *params, uint64_t seed)
{
	struct uncertain_set *set = one_input(&spec);
	double *x = draw_values(set, seed);
	const struct distribution *dist = uncertain_distribution(set, 0);
	double lo, hi;
	int attained;
	distribution_support(dist, &lo, &hi, &attained);
	for (int i = 0; i < DRAWS; i++)
		assert_true(x[i] >= lo && x[i] <= hi);
	double p = stats_ks_test(x, DRAWS, cdf, params);
	free(x);
	uncertain_set_free(set);
	return p;
}

/* ---- each distribution against its CDF ---- */

static void uniform_draws_follow_the_cdf(void **state)
{
	(void)state;
	struct distribution_spec dist = {.kind = DISTRIBUTION_UNIFORM, .min = 0.03, .max = 0.09};
	assert_true(fit(spec_of("defaults.rebound", dist, &rate_key), uniform_cdf,
			(double[]){0.03, 0.09}, 1) > STATS_P_FLOOR);
}

static void triangular_draws_follow_the_cdf(void **state)
{
	(void)state;
	struct distribution_spec dist = {.kind = DISTRIBUTION_TRIANGULAR, .min = 0.97, .mode = 1.0,
					 .max = 1.02};
	assert_true(fit(spec_of("x", dist, &free_key), triangular_cdf, (double[]){0.97, 1.0, 1.02}, 2) >
		    STATS_P_FLOOR);
	/* the mode at an end */
	dist = (struct distribution_spec){.kind = DISTRIBUTION_TRIANGULAR, .min = 0.0, .mode = 0.0,
					  .max = 1.0};
	assert_true(fit(spec_of("x", dist, &free_key), triangular_cdf, (double[]){0.0, 0.0, 1.0}, 3) >
		    STATS_P_FLOOR);
}

static void pert_draws_follow_the_beta_pert_cdf(void **state)
{
	(void)state;
	struct distribution_spec dist = {.kind = DISTRIBUTION_PERT, .min = 0.05, .mode = 0.08,
					 .max = 0.14};
	/* alpha = 1 + 4 (0.03 / 0.09), beta = 1 + 4 (0.06 / 0.09), as the model says */
	double params[] = {1.0 + 4.0 * 0.03 / 0.09, 1.0 + 4.0 * 0.06 / 0.09, 0.05, 0.14};
	assert_true(fit(spec_of("districts.Xigu.rectify_rate", dist, &rate_key), beta_cdf, params, 4) >
		    STATS_P_FLOOR);
}

static void normal_draws_follow_the_cdf_and_its_truncation(void **state)
{
	(void)state;
	struct distribution_spec dist = {.kind = DISTRIBUTION_NORMAL, .mean = 90.0, .sd = 1.5};
	assert_true(fit(spec_of("x", dist, &free_key), normal_cdf,
			(double[]){90.0, 1.5, -INFINITY, INFINITY}, 5) > STATS_P_FLOOR);
	/* truncated on both sides, cutting much of the mass */
	dist = (struct distribution_spec){.kind = DISTRIBUTION_NORMAL, .mean = 0.10, .sd = 0.05,
					  .min = 0.08, .max = 0.2, .has_min = 1, .has_max = 1};
	assert_true(fit(spec_of("x", dist, &free_key), normal_cdf, (double[]){0.10, 0.05, 0.08, 0.2},
			6) > STATS_P_FLOOR);
	/* one side only, far in the upper tail (the tails are solved from 1 - Phi) */
	dist = (struct distribution_spec){.kind = DISTRIBUTION_NORMAL, .mean = 0.0, .sd = 1.0,
					  .min = 4.0, .has_min = 1};
	assert_true(fit(spec_of("x", dist, &free_key), normal_cdf,
			(double[]){0.0, 1.0, 4.0, INFINITY}, 7) > STATS_P_FLOOR);
}

static void lognormal_draws_have_the_written_mean_and_sd(void **state)
{
	(void)state;
	struct distribution_spec dist = {.kind = DISTRIBUTION_LOGNORMAL, .mean = 9.0, .sd = 3.0};
	assert_true(fit(spec_of("x", dist, &free_key), lognormal_cdf, (double[]){9.0, 3.0}, 8) >
		    STATS_P_FLOOR);
	/* the mean and sd are the value's own: 9 and 3 within 4 standard errors */
	struct uncertain_spec spec = spec_of("x", dist, &free_key);
	struct uncertain_set *set = one_input(&spec);
	double *x = draw_values(set, 9);
	double sum = 0.0, squares = 0.0;
	for (int i = 0; i < DRAWS; i++)
		sum += x[i];
	double mean = sum / DRAWS;
	for (int i = 0; i < DRAWS; i++)
		squares += (x[i] - mean) * (x[i] - mean);
	double sd = sqrt(squares / (DRAWS - 1));
	assert_close(mean, 9.0, 4.0 * 3.0 / sqrt(DRAWS));
	assert_close(sd, 3.0, 0.1);
	free(x);
	uncertain_set_free(set);
}

static void beta_draws_follow_the_cdf_scaled(void **state)
{
	(void)state;
	struct distribution_spec dist = {.kind = DISTRIBUTION_BETA, .alpha = 2.0, .beta = 30.0};
	assert_true(fit(spec_of("materials.archives.loss_probability", dist, &rate_key), beta_cdf,
			(double[]){2.0, 30.0, 0.0, 1.0}, 10) > STATS_P_FLOOR);
	/* shapes below 1 (both ends of the density unbounded), scaled to [80, 100] */
	dist = (struct distribution_spec){.kind = DISTRIBUTION_BETA, .alpha = 0.5, .beta = 0.7,
					  .min = 80.0, .max = 100.0, .has_min = 1, .has_max = 1};
	assert_true(fit(spec_of("x", dist, &free_key), beta_cdf, (double[]){0.5, 0.7, 80.0, 100.0},
			11) > STATS_P_FLOOR);
}

static void gamma_draws_follow_the_cdf(void **state)
{
	(void)state;
	struct distribution_spec dist = {.kind = DISTRIBUTION_GAMMA, .shape = 9.0, .rate = 1.5};
	assert_true(fit(spec_of("x", dist, &free_key), gamma_cdf, (double[]){9.0, 1.5}, 12) >
		    STATS_P_FLOOR);
	dist = (struct distribution_spec){.kind = DISTRIBUTION_GAMMA, .shape = 0.4, .rate = 2.0};
	assert_true(fit(spec_of("x", dist, &free_key), gamma_cdf, (double[]){0.4, 2.0}, 13) >
		    STATS_P_FLOOR);
}

/* The KS test can fail: the right draws against a CDF a little off. */
static void the_fit_rejects_a_wrong_cdf(void **state)
{
	(void)state;
	struct distribution_spec dist = {.kind = DISTRIBUTION_GAMMA, .shape = 9.0, .rate = 1.5};
	assert_true(fit(spec_of("x", dist, &free_key), gamma_cdf, (double[]){9.0, 1.45}, 12) <
		    STATS_P_FLOOR);
	dist = (struct distribution_spec){.kind = DISTRIBUTION_PERT, .min = 0.05, .mode = 0.08,
					  .max = 0.14};
	/* a beta of the triangular's mode weight (2, 3) instead of PERT's */
	assert_true(fit(spec_of("x", dist, &free_key), beta_cdf, (double[]){1.8, 2.6, 0.05, 0.14}, 4) <
		    STATS_P_FLOOR);
}

static void discrete_draws_follow_their_weights(void **state)
{
	(void)state;
	double values[] = {800, 1200, 1600, 2000};
	double weights[] = {1.0, 2.0, 0.0, 1.0};
	struct distribution_spec dist = {.kind = DISTRIBUTION_DISCRETE, .values = values,
					 .weights = weights, .count = 4};
	struct uncertain_spec spec = spec_of("survey.respondents", dist, &respondents_key);
	struct uncertain_set *set = one_input(&spec);
	double *x = draw_values(set, 14);
	double observed[4] = {0};
	for (int i = 0; i < DRAWS; i++) {
		int found = -1;
		for (int k = 0; k < 4; k++)
			if (x[i] == values[k])
				found = k;
		assert_true(found >= 0);
		observed[found]++;
	}
	assert_true(observed[2] == 0.0); /* weight 0: never drawn */
	double expected[] = {DRAWS / 4.0, DRAWS / 2.0, DRAWS / 4.0};
	double seen[] = {observed[0], observed[1], observed[3]};
	assert_true(stats_chi_square_test(seen, expected, 3) > STATS_P_FLOOR);
	free(x);
	uncertain_set_free(set);

	/* weights default to equal; the value is the first whose cumulative share reaches U */
	dist = (struct distribution_spec){.kind = DISTRIBUTION_DISCRETE, .values = values, .count = 4};
	struct diag d;
	diag_init(&d, "city.cfg");
	struct distribution equal;
	assert_int_equal(distribution_init(&equal, &dist, &d, NULL, 1, "x"), 0);
	assert_true(distribution_quantile(&equal, 0.25) == 800.0);
	assert_true(distribution_quantile(&equal, 0.2500001) == 1200.0);
	assert_true(distribution_quantile(&equal, 1.0) == 2000.0);
	assert_true(distribution_quantile(&equal, 0.0) == 800.0);
	distribution_free(&equal);
	diag_free(&d);
}

/* ---- relative scaling and integer keys ---- */

static double scaled_cdf(double x, const double *p)
{
	const struct scaled_cdf *s = (const struct scaled_cdf *)(const void *)p;
	return s->cdf(x / s->base, s->params);
}

static void relative_draws_scale_the_base_value(void **state)
{
	(void)state;
	/* a PERT multiplier of 0.7 to 1.3 around rates of 0.12 */
	struct distribution_spec dist = {.kind = DISTRIBUTION_PERT, .min = 0.7, .mode = 1.0, .max = 1.3};
	struct uncertain_spec spec = spec_of("districts.*.rectify_rate", dist, &rate_key);
	spec.relative = 1;
	spec.base_lo = 0.08;
	spec.base_hi = 0.15;
	struct uncertain_set *set = one_input(&spec);
	assert_true(uncertain_is_relative(set, 0));
	double *f = draw_values(set, 15);
	double *x = malloc(DRAWS * sizeof *x);
	for (int i = 0; i < DRAWS; i++) {
		assert_true(f[i] >= 0.7 && f[i] <= 1.3); /* the multiplier itself */
		x[i] = uncertain_scaled(set, 0, f[i], 0.12);
	}
	double params[] = {3.0, 3.0, 0.7, 1.3}; /* mode in the middle: alpha = beta = 3 */
	struct scaled_cdf scaled = {0.12, beta_cdf, params};
	assert_true(stats_ks_test(x, DRAWS, scaled_cdf, (const double *)(const void *)&scaled) >
		    STATS_P_FLOOR);
	free(f);
	free(x);
	uncertain_set_free(set);
}

static void integer_keys_take_rounded_draws(void **state)
{
	(void)state;
	/* uniform on (0.5, 3.5) rounds to 1, 2 and 3 equally often */
	struct distribution_spec dist = {.kind = DISTRIBUTION_UNIFORM, .min = 0.5, .max = 3.5};
	struct uncertain_key key = respondents_key;
	key.lo = 0.0;
	struct uncertain_spec spec = spec_of("survey.respondents", dist, &key);
	struct uncertain_set *set = one_input(&spec);
	double *x = draw_values(set, 16);
	double observed[3] = {0};
	for (int i = 0; i < DRAWS; i++) {
		assert_true(x[i] == 1.0 || x[i] == 2.0 || x[i] == 3.0);
		observed[(int)x[i] - 1]++;
	}
	double expected[] = {DRAWS / 3.0, DRAWS / 3.0, DRAWS / 3.0};
	assert_true(stats_chi_square_test(observed, expected, 3) > STATS_P_FLOOR);
	free(x);
	uncertain_set_free(set);

	/* halves away from zero; the count cap clamps instead of refusing */
	dist = (struct distribution_spec){.kind = DISTRIBUTION_UNIFORM, .min = 0.5, .max = 2.0};
	spec = spec_of("districts.A.problems", dist, &(struct uncertain_key){
		"problems", 0.0, INFINITY, 0, 0, 1, 1e12});
	spec.relative = 1;
	spec.base_lo = 5.0, spec.base_hi = 8e11;
	set = one_input(&spec);
	assert_true(uncertain_scaled(set, 0, 0.5, 5.0) == 3.0);    /* 2.5 */
	assert_true(uncertain_scaled(set, 0, 0.7, 5.0) == 4.0);    /* 3.5 */
	assert_true(uncertain_scaled(set, 0, 0.62, 5.0) == 3.0);   /* 3.1 */
	assert_true(uncertain_scaled(set, 0, 1.5, 8e11) == 1e12);  /* 1.2e12, past the cap */
	uncertain_set_free(set);
}

/* ---- a one-value input is the certain scenario ---- */

static void a_one_value_discrete_input_is_the_certain_value(void **state)
{
	(void)state;
	double rate[] = {0.12}, one[] = {1.0};
	struct distribution_spec dist = {.kind = DISTRIBUTION_DISCRETE, .values = rate, .count = 1};
	struct uncertain_spec spec = spec_of("districts.Xigu.rectify_rate", dist, &rate_key);
	struct uncertain_set *set = one_input(&spec);
	double *x = draw_values(set, 17);
	for (int i = 0; i < DRAWS; i++)
		assert_true(x[i] == 0.12);
	free(x);
	uncertain_set_free(set);

	/* relative, 1.0: every base value unchanged to the last bit */
	dist = (struct distribution_spec){.kind = DISTRIBUTION_DISCRETE, .values = one, .count = 1};
	spec = spec_of("districts.*.rectify_rate", dist, &rate_key);
	spec.relative = 1;
	spec.base_lo = 0.08, spec.base_hi = 0.16;
	set = one_input(&spec);
	double value, u;
	for (int i = 0; i < 1000; i++) {
		uncertain_draw(set, SEED, (uint64_t)i, &value, &u);
		assert_true(uncertain_scaled(set, 0, value, 0.1) == 0.1);
		assert_true(uncertain_scaled(set, 0, value, 0.13) == 0.13);
	}
	uncertain_set_free(set);
}

/* ---- streams: the same values whatever else the set holds ---- */

static void each_path_keeps_its_draws(void **state)
{
	(void)state;
	struct distribution_spec pert = {.kind = DISTRIBUTION_PERT, .min = 0.05, .mode = 0.08,
					 .max = 0.14};
	struct distribution_spec uniform = {.kind = DISTRIBUTION_UNIFORM, .min = 0.03, .max = 0.09};
	struct uncertain_spec a = spec_of("districts.Xigu.rectify_rate", pert, &rate_key);
	struct uncertain_spec b = spec_of("defaults.rebound", uniform, &rate_key);
	struct diag d;
	diag_init(&d, "city.cfg");
	struct uncertain_set *alone = one_input(&a);
	struct uncertain_set *both = uncertain_set_new();
	assert_int_equal(uncertain_set_add(both, &b, &d), 0);
	assert_int_equal(uncertain_set_add(both, &a, &d), 1);
	assert_int_equal(uncertain_set_finish(both, &d), 0);
	assert_true(uncertain_stream(a.path) >= UNCERTAIN_SUBSTREAM);
	assert_true(uncertain_stream(a.path) != uncertain_stream(b.path));
	/* replications drawn in any order, alone or beside another input: the same value */
	for (int i = 999; i >= 0; i--) {
		double v1, u1, v2[2], u2[2];
		uncertain_draw(alone, SEED, (uint64_t)i, &v1, &u1);
		uncertain_draw(both, SEED, (uint64_t)i, v2, u2);
		assert_true(v1 == v2[1] && u1 == u2[1]);
		assert_true(u1 > 0.0 && u1 < 1.0);
		/* U_k is the uniform the value came from */
		assert_close(distribution_quantile(uncertain_distribution(alone, 0), u1), v1, 1e-12);
	}
	/* another seed, other values */
	double v1, u1, v2, u2;
	uncertain_draw(alone, SEED, 0, &v1, &u1);
	uncertain_draw(alone, SEED + 1, 0, &v2, &u2);
	assert_true(v1 != v2);
	uncertain_set_free(alone);
	uncertain_set_free(both);
	diag_free(&d);
}

/* Replications drawn on any number of threads, in any order: the same values. */
static void draws_do_not_depend_on_the_threads(void **state)
{
	(void)state;
	struct distribution_spec pert = {.kind = DISTRIBUTION_PERT, .min = 0.7, .mode = 1.0, .max = 1.3};
	struct distribution_spec gamma = {.kind = DISTRIBUTION_GAMMA, .shape = 9.0, .rate = 1.5};
	struct uncertain_set *set = uncertain_set_new();
	struct diag d;
	diag_init(&d, "city.cfg");
	const char *paths[] = {"districts.A.satisfaction", "districts.B.satisfaction",
			       "districts.C.satisfaction", "districts.A.new_per_week"};
	for (int k = 0; k < 4; k++) {
		struct uncertain_spec spec = spec_of(paths[k], k < 3 ? pert : gamma, &free_key);
		uncertain_set_add(set, &spec, &d);
	}
	uncertain_set_correlate(set, (int[]){0, 1, 2}, 3, 0.5, NULL, 1, &d);
	assert_int_equal(uncertain_set_finish(set, &d), 0);
	enum { REPS = 4000 };
	double *serial = malloc(REPS * 8 * sizeof *serial), *parallel = malloc(REPS * 8 * sizeof *parallel);
	for (int i = 0; i < REPS; i++)
		uncertain_draw(set, SEED, (uint64_t)i, &serial[i * 8], &serial[i * 8 + 4]);
#pragma omp parallel for schedule(dynamic, 7) num_threads(3)
	for (int i = REPS - 1; i >= 0; i--)
		uncertain_draw(set, SEED, (uint64_t)i, &parallel[i * 8], &parallel[i * 8 + 4]);
	assert_memory_equal(serial, parallel, REPS * 8 * sizeof *serial);
	free(serial);
	free(parallel);
	uncertain_set_free(set);
	diag_free(&d);
}

/* ---- correlations ---- */

/* Spearman's rank correlation of the N pairs (x, y) (no ties: continuous draws). */
static int by_value(const void *a, const void *b)
{
	const double *x = a, *y = b;
	return (x[0] > y[0]) - (x[0] < y[0]);
}

static double spearman(const double *x, const double *y, int n)
{
	double *rx = malloc((size_t)n * sizeof *rx), *ry = malloc((size_t)n * sizeof *ry);
	double (*pairs)[2] = malloc((size_t)n * sizeof *pairs);
	for (int pass = 0; pass < 2; pass++) {
		const double *v = pass == 0 ? x : y;
		double *rank = pass == 0 ? rx : ry;
		for (int i = 0; i < n; i++) {
			pairs[i][0] = v[i];
			pairs[i][1] = i;
		}
		qsort(pairs, (size_t)n, sizeof *pairs, by_value);
		for (int i = 0; i < n; i++)
			rank[(int)pairs[i][1]] = i + 1.0;
	}
	double d2 = 0.0;
	for (int i = 0; i < n; i++)
		d2 += (rx[i] - ry[i]) * (rx[i] - ry[i]);
	free(rx);
	free(ry);
	free(pairs);
	return 1.0 - 6.0 * d2 / ((double)n * ((double)n * n - 1.0));
}

/* Whether sample Spearman R of N draws agrees with RHO: Fisher's z of a
 * Spearman correlation has variance about 1.06 / (n - 3) (Fieller, Hartley
 * and Pearson, 1957); four standard errors. */
static int spearman_agrees(double r, double rho, int n)
{
	return fabs(atanh(r) - atanh(rho)) < 4.0 * sqrt(1.06 / (n - 3));
}

/* The draws of the inputs of SET, DRAWS replications: X[k][i]. */
static double **draw_all(const struct uncertain_set *set, uint64_t seed)
{
	int n = uncertain_count(set);
	double **x = malloc((size_t)n * sizeof *x);
	for (int k = 0; k < n; k++)
		x[k] = malloc(DRAWS * sizeof **x);
	double *value = malloc((size_t)n * sizeof *value), *u = malloc((size_t)n * sizeof *u);
	for (int i = 0; i < DRAWS; i++) {
		uncertain_draw(set, seed, (uint64_t)i, value, u);
		for (int k = 0; k < n; k++)
			x[k][i] = value[k];
	}
	free(value);
	free(u);
	return x;
}

static void free_all(double **x, int n)
{
	for (int k = 0; k < n; k++)
		free(x[k]);
	free(x);
}

static void a_correlated_pair_has_its_rank_correlation(void **state)
{
	(void)state;
	struct distribution_spec pert = {.kind = DISTRIBUTION_PERT, .min = 0.05, .mode = 0.08,
					 .max = 0.14};
	struct distribution_spec gamma = {.kind = DISTRIBUTION_GAMMA, .shape = 2.0, .rate = 1.0};
	const double ranks[] = {0.5, -0.3, 0.95};
	for (int t = 0; t < 3; t++) {
		struct uncertain_set *set = uncertain_set_new();
		struct diag d;
		diag_init(&d, "city.cfg");
		struct uncertain_spec a = spec_of("districts.Xigu.rectify_rate", pert, &rate_key);
		struct uncertain_spec b = spec_of("districts.Qilihe.new_per_week", gamma, &free_key);
		assert_int_equal(uncertain_set_add(set, &a, &d), 0);
		assert_int_equal(uncertain_set_add(set, &b, &d), 1);
		assert_int_equal(uncertain_set_correlate(set, (int[]){0, 1}, 2, ranks[t], "city.cfg", 50, &d),
				 0);
		assert_int_equal(uncertain_set_finish(set, &d), 0);
		double **x = draw_all(set, 30 + t);
		double r = spearman(x[0], x[1], DRAWS);
		assert_true(spearman_agrees(r, ranks[t], DRAWS));
		/* the marginals stay what they were */
		double params[] = {1.0 + 4.0 * 0.03 / 0.09, 1.0 + 4.0 * 0.06 / 0.09, 0.05, 0.14};
		assert_true(stats_ks_test(x[0], DRAWS, beta_cdf, params) > STATS_P_FLOOR);
		assert_true(stats_ks_test(x[1], DRAWS, gamma_cdf, (double[]){2.0, 1.0}) > STATS_P_FLOOR);
		free_all(x, 2);
		uncertain_set_free(set);
		diag_free(&d);
	}
}

/* The check can fail: draws of rank 0.5 against 0.45. */
static void the_rank_check_rejects_a_wrong_rho(void **state)
{
	(void)state;
	struct distribution_spec uniform = {.kind = DISTRIBUTION_UNIFORM, .min = 0.0, .max = 1.0};
	struct uncertain_set *set = uncertain_set_new();
	struct diag d;
	diag_init(&d, "city.cfg");
	struct uncertain_spec a = spec_of("a", uniform, &free_key), b = spec_of("b", uniform, &free_key);
	uncertain_set_add(set, &a, &d);
	uncertain_set_add(set, &b, &d);
	uncertain_set_correlate(set, (int[]){0, 1}, 2, 0.5, NULL, 3, &d);
	assert_int_equal(uncertain_set_finish(set, &d), 0);
	double **x = draw_all(set, 40);
	double r = spearman(x[0], x[1], DRAWS);
	assert_true(spearman_agrees(r, 0.5, DRAWS));
	assert_false(spearman_agrees(r, 0.45, DRAWS));
	free_all(x, 2);
	uncertain_set_free(set);
	diag_free(&d);
}

static void three_correlated_inputs_keep_every_pair(void **state)
{
	(void)state;
	/* a valid matrix: ranks 0.6 (a, b), 0.3 (a, c), -0.2 (b, c) */
	struct distribution_spec normal = {.kind = DISTRIBUTION_NORMAL, .mean = 0.0, .sd = 1.0};
	struct distribution_spec tri = {.kind = DISTRIBUTION_TRIANGULAR, .min = 0.0, .mode = 0.2,
					.max = 1.0};
	struct distribution_spec beta = {.kind = DISTRIBUTION_BETA, .alpha = 2.0, .beta = 5.0};
	struct uncertain_set *set = uncertain_set_new();
	struct diag d;
	diag_init(&d, "city.cfg");
	struct uncertain_spec a = spec_of("a", normal, &free_key), b = spec_of("b", tri, &free_key),
			      c = spec_of("c", beta, &free_key), e = spec_of("e", normal, &free_key);
	assert_int_equal(uncertain_set_add(set, &a, &d), 0);
	assert_int_equal(uncertain_set_add(set, &e, &d), 1); /* independent of the others */
	assert_int_equal(uncertain_set_add(set, &b, &d), 2);
	assert_int_equal(uncertain_set_add(set, &c, &d), 3);
	assert_int_equal(uncertain_set_correlate(set, (int[]){0, 2}, 2, 0.6, NULL, 1, &d), 0);
	assert_int_equal(uncertain_set_correlate(set, (int[]){3, 0}, 2, 0.3, NULL, 2, &d), 0);
	assert_int_equal(uncertain_set_correlate(set, (int[]){2, 3}, 2, -0.2, NULL, 3, &d), 0);
	assert_int_equal(uncertain_set_finish(set, &d), 0);
	double **x = draw_all(set, 50);
	assert_true(spearman_agrees(spearman(x[0], x[2], DRAWS), 0.6, DRAWS));
	assert_true(spearman_agrees(spearman(x[0], x[3], DRAWS), 0.3, DRAWS));
	assert_true(spearman_agrees(spearman(x[2], x[3], DRAWS), -0.2, DRAWS));
	assert_true(spearman_agrees(spearman(x[1], x[0], DRAWS), 0.0, DRAWS));
	assert_true(spearman_agrees(spearman(x[1], x[3], DRAWS), 0.0, DRAWS));
	free_all(x, 4);
	uncertain_set_free(set);
	diag_free(&d);
}

static void the_copula_factor_reproduces_the_pearson_matrix(void **state)
{
	(void)state;
	const char *names[] = {"a", "b", "c"};
	struct copula_pair pairs[] = {{0, 1, 0.6, NULL, 1}, {0, 2, 0.3, NULL, 2}, {1, 2, -0.2, NULL, 3}};
	struct diag d;
	diag_init(&d, "city.cfg");
	struct copula *c;
	assert_int_equal(copula_new(&c, 3, names, pairs, 3, &d), 0);
	/* the columns of L, from unit vectors; then L L' against R */
	double l[3][3];
	for (int j = 0; j < 3; j++) {
		double z[3] = {0};
		z[j] = 1.0;
		copula_apply(c, z);
		for (int i = 0; i < 3; i++)
			l[i][j] = z[i];
	}
	double r[3][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
	for (int p = 0; p < 3; p++)
		r[pairs[p].j][pairs[p].k] = r[pairs[p].k][pairs[p].j] = 2.0 * sin(PI * pairs[p].rank / 6.0);
	for (int i = 0; i < 3; i++) {
		for (int j = 0; j < 3; j++) {
			double sum = 0.0;
			for (int k = 0; k < 3; k++)
				sum += l[i][k] * l[j][k];
			assert_close(sum, r[i][j], 1e-14);
		}
	}
	assert_close(copula_pearson(0.5), 2.0 * sin(PI / 12.0), 1e-16);
	assert_close(copula_pearson(1.0), 1.0, 1e-15);
	copula_free(c);
	diag_free(&d);
}

/* The number after "smallest eigenvalue is " in D's first message. */
static double eigenvalue_in(const struct diag *d)
{
	const char *at = strstr(d->entries[0].message, "smallest eigenvalue is ");
	assert_non_null(at);
	return strtod(at + strlen("smallest eigenvalue is "), NULL);
}

static void a_matrix_not_positive_definite_is_refused(void **state)
{
	(void)state;
	/* a and b, b and c strongly together, a and c strongly apart: impossible */
	struct distribution_spec uniform = {.kind = DISTRIBUTION_UNIFORM, .min = 0.0, .max = 1.0};
	struct uncertain_set *set = uncertain_set_new();
	struct diag d;
	diag_init(&d, "city.cfg");
	const char *paths[] = {"districts.A.satisfaction", "districts.B.satisfaction",
			       "districts.C.satisfaction", "defaults.rebound"};
	for (int k = 0; k < 4; k++) {
		struct uncertain_spec spec = spec_of(paths[k], uniform, &rate_key);
		assert_int_equal(uncertain_set_add(set, &spec, &d), k);
	}
	uncertain_set_correlate(set, (int[]){0, 1}, 2, 0.9, "city.cfg", 61, &d);
	uncertain_set_correlate(set, (int[]){1, 2}, 2, 0.9, "city.cfg", 62, &d);
	uncertain_set_correlate(set, (int[]){0, 2}, 2, -0.9, "city.cfg", 63, &d);
	assert_int_equal(uncertain_set_finish(set, &d), -1);
	assert_int_equal(diag_errors(&d), 1);
	diag_print(&d, stdout);
	/* R = I + a M, M's eigenvalues -2, 1, 1: the smallest is 1 - 2a */
	double a = 2.0 * sin(PI * 0.9 / 6.0);
	assert_close(eigenvalue_in(&d), 1.0 - 2.0 * a, 1e-12);
	assert_true(diag_contains(&d, "districts.A.satisfaction and districts.C.satisfaction (rank -0.9)"));
	assert_true(diag_contains(&d, "districts.A.satisfaction and districts.B.satisfaction (rank 0.9)"));
	assert_true(diag_contains(&d, "districts.B.satisfaction and districts.C.satisfaction (rank 0.9)"));
	assert_true(diag_contains(&d, "not positive definite"));
	assert_string_equal(d.entries[0].file, "city.cfg");
	assert_true(d.entries[0].line >= 61 && d.entries[0].line <= 63);
	uncertain_set_free(set);
	diag_free(&d);

	/* a pattern's pairs: rank -0.6 among four districts (R_jk = -0.618 < -1/3) */
	set = uncertain_set_new();
	diag_init(&d, "city.cfg");
	const char *four[] = {"districts.A.satisfaction", "districts.B.satisfaction",
			      "districts.C.satisfaction", "districts.D.satisfaction"};
	for (int k = 0; k < 4; k++) {
		struct uncertain_spec spec = spec_of(four[k], uniform, &rate_key);
		uncertain_set_add(set, &spec, &d);
	}
	int matched[4];
	assert_int_equal(uncertain_set_match(set, "districts.*.satisfaction", matched), 4);
	uncertain_set_correlate(set, matched, 4, -0.6, "city.cfg", 70, &d);
	assert_int_equal(uncertain_set_finish(set, &d), -1);
	/* equicorrelation r: eigenvalues 1 + 3r and 1 - r */
	double r = 2.0 * sin(PI * -0.6 / 6.0);
	assert_close(eigenvalue_in(&d), 1.0 + 3.0 * r, 1e-12);
	assert_int_equal(d.entries[0].line, 70);
	uncertain_set_free(set);
	diag_free(&d);
}

static void perfect_rank_correlations_are_accepted(void **state)
{
	(void)state;
	/* rank 1 among three inputs: singular but for rounding, and meant */
	struct distribution_spec uniform = {.kind = DISTRIBUTION_UNIFORM, .min = 0.0, .max = 1.0};
	struct uncertain_set *set = uncertain_set_new();
	struct diag d;
	diag_init(&d, "city.cfg");
	const char *paths[] = {"a", "b", "c"};
	for (int k = 0; k < 3; k++) {
		struct uncertain_spec spec = spec_of(paths[k], uniform, &free_key);
		uncertain_set_add(set, &spec, &d);
	}
	uncertain_set_correlate(set, (int[]){0, 1, 2}, 3, 1.0, NULL, 5, &d);
	assert_int_equal(uncertain_set_finish(set, &d), 0);
	double value[3], u[3];
	for (int i = 0; i < 1000; i++) {
		uncertain_draw(set, SEED, (uint64_t)i, value, u);
		assert_close(value[1], value[0], 1e-6);
		assert_close(value[2], value[0], 1e-6);
	}
	uncertain_set_free(set);
	diag_free(&d);
}

static void bad_pairs_are_refused(void **state)
{
	(void)state;
	struct distribution_spec uniform = {.kind = DISTRIBUTION_UNIFORM, .min = 0.0, .max = 1.0};
	struct uncertain_set *set = uncertain_set_new();
	struct diag d;
	diag_init(&d, "city.cfg");
	const char *paths[] = {"defaults.rebound", "districts.Xigu.rectify_rate", "pass.threshold"};
	for (int k = 0; k < 3; k++) {
		struct uncertain_spec spec = spec_of(paths[k], uniform, &free_key);
		uncertain_set_add(set, &spec, &d);
	}
	/* rho outside [-1, 1] */
	uncertain_set_correlate(set, (int[]){0, 1}, 2, 1.2, "city.cfg", 80, &d);
	assert_int_equal(uncertain_set_finish(set, &d), -1);
	assert_true(diag_contains(&d, "rank = 1.2 between defaults.rebound and "
				      "districts.Xigu.rectify_rate lies outside [-1, 1]"));
	assert_int_equal(d.entries[0].line, 80);
	diag_free(&d);
	uncertain_set_free(set);

	set = uncertain_set_new();
	diag_init(&d, "city.cfg");
	for (int k = 0; k < 3; k++) {
		struct uncertain_spec spec = spec_of(paths[k], uniform, &free_key);
		uncertain_set_add(set, &spec, &d);
	}
	uncertain_set_correlate(set, (int[]){0, 1}, 2, -1.0001, "city.cfg", 81, &d);
	assert_int_equal(uncertain_set_finish(set, &d), -1);
	assert_true(diag_contains(&d, "rank = -1.0001"));
	diag_free(&d);
	uncertain_set_free(set);

	/* a pair given twice, in either order, even from a pattern */
	set = uncertain_set_new();
	diag_init(&d, "city.cfg");
	for (int k = 0; k < 3; k++) {
		struct uncertain_spec spec = spec_of(paths[k], uniform, &free_key);
		uncertain_set_add(set, &spec, &d);
	}
	uncertain_set_correlate(set, (int[]){0, 1, 2}, 3, 0.2, "city.cfg", 82, &d);
	uncertain_set_correlate(set, (int[]){1, 0}, 2, 0.3, "plan-b.cfg", 7, &d);
	assert_int_equal(uncertain_set_finish(set, &d), -1);
	assert_int_equal(diag_errors(&d), 1);
	assert_true(diag_contains(&d, "the pair districts.Xigu.rectify_rate and defaults.rebound is "
				      "given twice (first at city.cfg:82)"));
	assert_string_equal(d.entries[0].file, "plan-b.cfg");
	diag_free(&d);

	/* one input listed twice by one entry */
	diag_init(&d, "city.cfg");
	assert_int_equal(uncertain_set_correlate(set, (int[]){2, 2}, 2, 0.2, NULL, 83, &d), -1);
	assert_true(diag_contains(&d, "pass.threshold is reached twice"));
	diag_free(&d);
	uncertain_set_free(set);
}

/* ---- the support check ---- */

/* The message uncertain_set_add gives SPEC, or "" when it is accepted. */
static void add_message(const struct uncertain_spec *spec, char *out, size_t size)
{
	struct uncertain_set *set = uncertain_set_new();
	struct diag d;
	diag_init(&d, "city.cfg");
	out[0] = '\0';
	if (uncertain_set_add(set, spec, &d) < 0) {
		assert_true(d.count >= 1);
		diag_format(&d, &d.entries[0], out, size);
	} else {
		assert_int_equal(d.count, 0);
	}
	printf("%s\n", out);
	diag_free(&d);
	uncertain_set_free(set);
}

static void an_unbounded_distribution_on_a_bounded_key_names_the_bound(void **state)
{
	(void)state;
	char message[1024];
	struct distribution_spec normal = {.kind = DISTRIBUTION_NORMAL, .mean = 0.1, .sd = 0.02};
	add_message(&(struct uncertain_spec){.path = "districts.Xigu.rectify_rate", .file = "city.cfg",
					     .line = 41, .dist = normal, .key = rate_key},
		    message, sizeof message);
	assert_string_equal(message, "city.cfg:41: districts.Xigu.rectify_rate: a normal value "
				     "without min and max can draw any value, but rectify_rate must "
				     "be in [0, 1]: add min = 0 and max = 1 to truncate it");
	/* truncated on one side: the other bound */
	normal.has_min = 1, normal.min = 0.0;
	add_message(&(struct uncertain_spec){.path = "districts.Xigu.rectify_rate", .dist = normal,
					     .key = rate_key, .line = 41},
		    message, sizeof message);
	assert_non_null(strstr(message, "add max = 1 to truncate it"));
	normal.has_max = 1, normal.max = 1.0;
	add_message(&(struct uncertain_spec){.path = "districts.Xigu.rectify_rate", .dist = normal,
					     .key = rate_key, .line = 41},
		    message, sizeof message);
	assert_string_equal(message, "");

	/* relative: the bound on the multiplier, from the greatest base value */
	struct distribution_spec multiplier = {.kind = DISTRIBUTION_NORMAL, .mean = 1.0, .sd = 0.2,
					       .min = 0.0, .has_min = 1};
	add_message(&(struct uncertain_spec){.path = "districts.*.rectify_rate", .dist = multiplier,
					     .relative = 1, .base_lo = 0.08, .base_hi = 0.15,
					     .key = rate_key, .line = 42},
		    message, sizeof message);
	assert_non_null(strstr(message, "add max = 6.666666666666667 (1 / 0.15, the greatest base "
					"value the path covers)"));
	multiplier.has_max = 1, multiplier.max = 6.0;
	add_message(&(struct uncertain_spec){.path = "districts.*.rectify_rate", .dist = multiplier,
					     .relative = 1, .base_lo = 0.08, .base_hi = 0.15,
					     .key = rate_key, .line = 42},
		    message, sizeof message);
	assert_string_equal(message, "");

	/* a multiplier below 0: its min, whatever the base values */
	struct distribution_spec wide = {.kind = DISTRIBUTION_UNIFORM, .min = -0.5, .max = 1.5};
	add_message(&(struct uncertain_spec){.path = "districts.*.rectify_rate", .dist = wide,
					     .relative = 1, .base_lo = 0.08, .base_hi = 0.15,
					     .key = rate_key, .line = 42},
		    message, sizeof message);
	assert_string_equal(message, "city.cfg:42: districts.*.rectify_rate: the uniform's multiplier "
				     "-0.5 lies below what rectify_rate may be (in [0, 1]): raise min "
				     "to 0");

	/* a gamma has no max to add: say what would do */
	struct distribution_spec gamma = {.kind = DISTRIBUTION_GAMMA, .shape = 9.0, .rate = 90.0};
	add_message(&(struct uncertain_spec){.path = "defaults.rebound", .dist = gamma,
					     .key = rate_key, .line = 43},
		    message, sizeof message);
	assert_non_null(strstr(message, "a gamma value can be as large as any number, but "
					"rectify_rate must be in [0, 1]: use a distribution with "
					"max = 1"));
}

static void bounded_distributions_outside_the_range_name_the_bound(void **state)
{
	(void)state;
	char message[1024];
	struct distribution_spec uniform = {.kind = DISTRIBUTION_UNIFORM, .min = -0.1, .max = 0.2};
	add_message(&(struct uncertain_spec){.path = "defaults.rebound", .dist = uniform,
					     .key = rate_key, .line = 44},
		    message, sizeof message);
	assert_non_null(strstr(message, "the uniform's value -0.1 lies below what rectify_rate may be "
					"(in [0, 1]): raise min to 0"));
	struct distribution_spec pert = {.kind = DISTRIBUTION_PERT, .min = 0.5, .mode = 0.9, .max = 1.1};
	add_message(&(struct uncertain_spec){.path = "defaults.rebound", .dist = pert,
					     .key = rate_key, .line = 44},
		    message, sizeof message);
	assert_non_null(strstr(message, "lower max to 1"));

	/* a population must be above 0: a continuous draw from 0 never is 0, a discrete 0 is */
	struct distribution_spec beta = {.kind = DISTRIBUTION_BETA, .alpha = 2.0, .beta = 2.0,
					 .min = 0.0, .max = 5e5, .has_min = 1, .has_max = 1};
	add_message(&(struct uncertain_spec){.path = "districts.A.population", .dist = beta,
					     .key = population_key, .line = 45},
		    message, sizeof message);
	assert_string_equal(message, "");
	double values[] = {0.0, 3e5};
	struct distribution_spec discrete = {.kind = DISTRIBUTION_DISCRETE, .values = values, .count = 2};
	add_message(&(struct uncertain_spec){.path = "districts.A.population", .dist = discrete,
					     .key = population_key, .line = 45},
		    message, sizeof message);
	assert_non_null(strstr(message, "the discrete value 0 lies outside the range of population, "
					"which must be above 0"));
	/* a lognormal is above 0: fine on a population, not on respondents (at least 1) */
	struct distribution_spec lognormal = {.kind = DISTRIBUTION_LOGNORMAL, .mean = 3e5, .sd = 5e4};
	add_message(&(struct uncertain_spec){.path = "districts.A.population", .dist = lognormal,
					     .key = population_key, .line = 46},
		    message, sizeof message);
	assert_string_equal(message, "");
	add_message(&(struct uncertain_spec){.path = "survey.respondents", .dist = lognormal,
					     .key = respondents_key, .line = 46},
		    message, sizeof message);
	assert_non_null(strstr(message, "use a distribution with min = 1"));
	/* the count cap is not a range: a normal above 0 on respondents is fine */
	struct distribution_spec counts = {.kind = DISTRIBUTION_NORMAL, .mean = 1200.0, .sd = 200.0,
					   .min = 1.0, .has_min = 1};
	add_message(&(struct uncertain_spec){.path = "survey.respondents", .dist = counts,
					     .key = respondents_key, .line = 47},
		    message, sizeof message);
	assert_string_equal(message, "");
	/* a discrete value on an integer key must be an integer */
	double respondents[] = {800.0, 1200.5};
	discrete = (struct distribution_spec){.kind = DISTRIBUTION_DISCRETE, .values = respondents,
					      .count = 2};
	add_message(&(struct uncertain_spec){.path = "survey.respondents", .dist = discrete,
					     .key = respondents_key, .line = 48},
		    message, sizeof message);
	assert_string_equal(message, "city.cfg:48: survey.respondents: respondents takes whole "
				     "numbers, but the discrete value 1200.5 is not one");
}

static void bad_parameters_are_refused(void **state)
{
	(void)state;
	char message[1024];
	struct distribution_spec pert = {.kind = DISTRIBUTION_PERT, .min = 0.05, .mode = 0.2, .max = 0.14};
	add_message(&(struct uncertain_spec){.path = "districts.Xigu.rectify_rate", .dist = pert,
					     .key = rate_key, .line = 50},
		    message, sizeof message);
	assert_string_equal(message, "city.cfg:50: districts.Xigu.rectify_rate: pert needs mode <= max "
				     "(mode = 0.2, max = 0.14)");
	struct distribution_spec uniform = {.kind = DISTRIBUTION_UNIFORM, .min = 0.1, .max = 0.1};
	add_message(&(struct uncertain_spec){.path = "x", .dist = uniform, .key = free_key, .line = 51},
		    message, sizeof message);
	assert_non_null(strstr(message, "uniform needs min < max (min = 0.1, max = 0.1)"));
	struct distribution_spec normal = {.kind = DISTRIBUTION_NORMAL, .mean = 1.0, .sd = 0.0};
	add_message(&(struct uncertain_spec){.path = "x", .dist = normal, .key = free_key, .line = 52},
		    message, sizeof message);
	assert_non_null(strstr(message, "normal needs sd > 0 (sd = 0)"));
	normal = (struct distribution_spec){.kind = DISTRIBUTION_NORMAL, .mean = 0.0, .sd = 1.0,
					    .min = 50.0, .max = 60.0, .has_min = 1, .has_max = 1};
	add_message(&(struct uncertain_spec){.path = "x", .dist = normal, .key = free_key, .line = 53},
		    message, sizeof message);
	assert_non_null(strstr(message, "holds no probability"));
	struct distribution_spec lognormal = {.kind = DISTRIBUTION_LOGNORMAL, .mean = -1.0, .sd = 1.0};
	add_message(&(struct uncertain_spec){.path = "x", .dist = lognormal, .key = free_key, .line = 54},
		    message, sizeof message);
	assert_non_null(strstr(message, "lognormal needs mean > 0"));
	struct distribution_spec beta = {.kind = DISTRIBUTION_BETA, .alpha = 2.0, .beta = NAN};
	add_message(&(struct uncertain_spec){.path = "x", .dist = beta, .key = free_key, .line = 55},
		    message, sizeof message);
	assert_non_null(strstr(message, "beta's beta must be a finite number"));
	struct distribution_spec gamma = {.kind = DISTRIBUTION_GAMMA, .shape = 2.0, .rate = -1.0};
	add_message(&(struct uncertain_spec){.path = "x", .dist = gamma, .key = free_key, .line = 56},
		    message, sizeof message);
	assert_non_null(strstr(message, "gamma needs rate > 0 (rate = -1)"));
	double values[] = {1.0, 2.0}, weights[] = {0.0, 0.0}, negative[] = {1.0, -0.5};
	struct distribution_spec discrete = {.kind = DISTRIBUTION_DISCRETE, .values = values,
					     .weights = weights, .count = 2};
	add_message(&(struct uncertain_spec){.path = "x", .dist = discrete, .key = free_key, .line = 57},
		    message, sizeof message);
	assert_non_null(strstr(message, "weights with a positive, finite sum"));
	discrete.weights = negative;
	add_message(&(struct uncertain_spec){.path = "x", .dist = discrete, .key = free_key, .line = 58},
		    message, sizeof message);
	assert_non_null(strstr(message, "discrete needs weights >= 0 (weights[2] = -0.5)"));
}

static void two_entries_reaching_one_path_are_refused(void **state)
{
	(void)state;
	struct distribution_spec uniform = {.kind = DISTRIBUTION_UNIFORM, .min = 0.03, .max = 0.09};
	struct uncertain_set *set = uncertain_set_new();
	struct diag d;
	diag_init(&d, "city.cfg");
	struct uncertain_spec spec = spec_of("districts.Xigu.rebound", uniform, &rate_key);
	assert_int_equal(uncertain_set_add(set, &spec, &d), 0);
	spec.line = 90;
	assert_int_equal(uncertain_set_add(set, &spec, &d), -1);
	assert_true(diag_contains(&d, "districts.Xigu.rebound is reached by two uncertain entries "
				      "(the first at city.cfg:40)"));
	assert_int_equal(d.entries[0].line, 90);
	assert_int_equal(uncertain_set_find(set, "districts.Xigu.rebound"), 0);
	assert_int_equal(uncertain_set_find(set, "districts.Xigu.rectify_rate"), -1);
	diag_free(&d);
	uncertain_set_free(set);
}

static void patterns_match_one_segment_per_star(void **state)
{
	(void)state;
	struct distribution_spec uniform = {.kind = DISTRIBUTION_UNIFORM, .min = 0.0, .max = 1.0};
	struct uncertain_set *set = uncertain_set_new();
	struct diag d;
	diag_init(&d, "city.cfg");
	const char *paths[] = {"districts.A.rectify_rate", "districts.A.rectify_rate.back_street",
			       "districts.B.rectify_rate", "defaults.rectify_rate",
			       "districts.B.rebound"};
	for (int k = 0; k < 5; k++) {
		struct uncertain_spec spec = spec_of(paths[k], uniform, &rate_key);
		assert_int_equal(uncertain_set_add(set, &spec, &d), k);
	}
	int out[5];
	assert_int_equal(uncertain_set_match(set, "districts.*.rectify_rate", out), 2);
	assert_int_equal(out[0], 0);
	assert_int_equal(out[1], 2);
	assert_int_equal(uncertain_set_match(set, "districts.*.rectify_rate.*", out), 1);
	assert_int_equal(out[0], 1);
	assert_int_equal(uncertain_set_match(set, "districts.B.*", out), 2);
	assert_int_equal(uncertain_set_match(set, "districts.C.*", out), 0);
	assert_int_equal(uncertain_set_match(set, "defaults.rectify_rate", out), 1);
	diag_free(&d);
	uncertain_set_free(set);
}

/* ---- the special functions' inverses, in both tails ---- */

static void quantiles_invert_their_cdf_in_both_tails(void **state)
{
	(void)state;
	const double tails[] = {1e-300, 1e-100, 1e-20, 1e-8, 0.01, 0.3, 0.5};
	const double shapes[][2] = {{2.0, 30.0}, {0.5, 0.7}, {1.0, 5.0}, {3.0, 3.0}, {40.0, 2.0}};
	for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
		double a = shapes[s][0], b = shapes[s][1], lb = special_log_beta(a, b);
		for (size_t t = 0; t < sizeof tails / sizeof tails[0]; t++) {
			double p = tails[t], x, y;
			/* lower tail p: I_x = p; upper tail p: 1 - I_x = p, i.e. I_y(b, a) = p */
			special_beta_quantile(a, b, p, 1.0 - p, lb, &x, &y);
			if (x > 0.0)
				assert_close(special_beta_i(a, b, x, lb) / p, 1.0, 1e-11);
			else /* the quantile lies below the least double (a < 1) */
				assert_true(special_beta_i(a, b, 0x1p-1074, lb) >= p);
			special_beta_quantile(a, b, 1.0 - p, p, lb, &x, &y);
			if (y > 0.0)
				assert_close(special_beta_i(b, a, y, special_log_beta(b, a)) / p, 1.0, 1e-11);
			else
				assert_true(special_beta_i(b, a, 0x1p-1074, special_log_beta(b, a)) >= p);
			assert_true(x + y == 1.0 || fabs(x + y - 1.0) < 1e-15);
		}
		/* the series of this file agrees with the library's I_x (to 1e-10: its
		 * alternating terms lose digits when b is large) */
		for (double x = 0.05; x < 1.0; x += 0.1)
			assert_close(special_beta_i(a, b, x, lb), beta_cdf_series(x, a, b), 1e-10);
	}
	const double gamma_shapes[] = {0.1, 0.4, 1.0, 2.0, 9.0, 200.0};
	for (size_t s = 0; s < sizeof gamma_shapes / sizeof gamma_shapes[0]; s++) {
		double a = gamma_shapes[s], lg = special_log_gamma(a);
		for (size_t t = 0; t < sizeof tails / sizeof tails[0]; t++) {
			double p = tails[t];
			double x = special_gamma_quantile(a, p, 1.0 - p, lg);
			if (x > 0.0)
				assert_close(special_gamma_p(a, x, lg) / p, 1.0, 1e-11);
			else /* below the least double (a < 1) */
				assert_true(special_gamma_p(a, 0x1p-1074, lg) >= p);
			x = special_gamma_quantile(a, 1.0 - p, p, lg);
			assert_close(special_gamma_q(a, x, lg) / p, 1.0, 1e-11);
			/* stats.h's Q (libm's lgamma) agrees */
			if (p > 1e-100)
				assert_close(stats_gamma_q(a, x) / p, 1.0, 1e-9);
		}
	}
	for (size_t t = 0; t < sizeof tails / sizeof tails[0]; t++) {
		double p = tails[t];
		double z = special_normal_quantile(p);
		assert_close(special_normal_cdf(z) / p, 1.0, 1e-13 * (1.0 + z * z));
		assert_close(special_normal_quantile(1.0 - p), -z, p < 1e-15 ? INFINITY : 1e-8);
	}
	assert_true(isinf(special_normal_quantile(0.0)) && special_normal_quantile(0.0) < 0);
	assert_close(special_normal_quantile(0.975), 1.959963984540054, 1e-15);
	/* a score far in the upper tail still has a value below the pert's max */
	struct distribution_spec pert = {.kind = DISTRIBUTION_PERT, .min = 0.05, .mode = 0.08, .max = 0.14};
	struct diag d;
	diag_init(&d, NULL);
	struct distribution dist;
	assert_int_equal(distribution_init(&dist, &pert, &d, NULL, 0, "x"), 0);
	double high = distribution_at_score(&dist, 9.0), higher = distribution_at_score(&dist, 10.0);
	assert_true(high < 0.14 && higher < 0.14 && high < higher);
	assert_true(distribution_at_score(&dist, -9.0) > 0.05);
	distribution_free(&dist);
	diag_free(&d);
}

/* The guessed start of a beta, pert or gamma changes the search, not the value. */
static void guesses_leave_the_values_exact(void **state)
{
	(void)state;
	struct distribution_spec specs[] = {
		{.kind = DISTRIBUTION_PERT, .min = 0.05, .mode = 0.08, .max = 0.14},
		{.kind = DISTRIBUTION_PERT, .min = 0.7, .mode = 0.7, .max = 1.3},
		{.kind = DISTRIBUTION_BETA, .alpha = 0.5, .beta = 0.7},
		{.kind = DISTRIBUTION_BETA, .alpha = 2.0, .beta = 30.0},
		{.kind = DISTRIBUTION_GAMMA, .shape = 9.0, .rate = 1.5},
		{.kind = DISTRIBUTION_GAMMA, .shape = 0.3, .rate = 2.0},
	};
	struct diag d;
	diag_init(&d, NULL);
	for (size_t k = 0; k < sizeof specs / sizeof specs[0]; k++) {
		struct distribution dist;
		assert_int_equal(distribution_init(&dist, &specs[k], &d, NULL, 0, "x"), 0);
		for (double z = -9.0; z <= 9.0; z += 0.0137) {
			double tail = special_normal_cdf(-fabs(z));
			double u = z < 0.0 ? tail : 1.0 - tail, v = z < 0.0 ? 1.0 - tail : tail;
			double guided = distribution_at_score(&dist, z);
			double unguided;
			if (specs[k].kind == DISTRIBUTION_GAMMA) {
				unguided = special_gamma_quantile(dist.a, u, v, dist.log_norm) / dist.b;
			} else {
				double x, y;
				special_beta_quantile(dist.a, dist.b, u, v, dist.log_norm, &x, &y);
				double width = dist.hi - dist.lo;
				unguided = x <= 0.5 ? dist.lo + width * x : dist.hi - width * y;
			}
			assert_close(guided, unguided, 1e-13 * fabs(unguided) + 1e-300);
		}
		distribution_free(&dist);
	}
	diag_free(&d);
}

static void jacobi_finds_known_eigenvalues(void **state)
{
	(void)state;
	double a = 0.5;
	double m[9] = {1, a, -a, a, 1, a, -a, a, 1};
	double values[3], vectors[9];
	assert_int_equal(copula_eigen(m, 3, values, vectors), 0);
	assert_close(values[0], 1.0 - 2.0 * a, 1e-14);
	assert_close(values[1], 1.0 + a, 1e-14);
	assert_close(values[2], 1.0 + a, 1e-14);
	/* the least one's eigenvector is (1, -1, 1) / sqrt 3 */
	assert_close(fabs(vectors[0]), 1.0 / sqrt(3.0), 1e-12);
	assert_close(vectors[0] * vectors[3], -1.0 / 3.0, 1e-12);
	assert_close(vectors[0] * vectors[6], 1.0 / 3.0, 1e-12);
}

/* ---- rates that vary by replication: the tables' values without tables ---- */

static void varying_binomials_draw_what_the_tables_draw(void **state)
{
	(void)state;
	struct inversion_tables *tables = inversion_tables_new();
	/* rates of every kind: small, large (the table's first entry past 0), near 1, the edges */
	const double rates[] = {0.12, 0.0931, 0.5, 0.85, 0.999, 0.004, 0.0, 1.0, 0.3};
	long walked = 0, rejected = 0;
	for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++) {
		struct binomial_source kept, alone;
		struct varying_binomial varying;
		inversion_binomial_init(&kept, rates[i], tables);
		inversion_binomial_init(&alone, rates[i], NULL);
		varying_binomial_init(&varying, rates[i]);
		for (int64_t n = 0; n <= 5000; n += (n < 700 ? 1 : 37)) {
			/* the walk below VARYING_WALK_MEAN (and BTRS past the tables) draws
			 * the tables' values, from the same uniforms */
			int same = (double)n * rates[i] < VARYING_WALK_MEAN || n > kept.n_max;
			struct rng r1, r2, r3;
			rng_init(&r1, SEED, i, (uint64_t)n);
			r2 = r3 = r1;
			for (int d = 0; d < (same ? 20 : 1); d++) {
				int64_t a = inversion_binomial_draw(&kept, &r1, n);
				int64_t b = inversion_binomial_draw(&alone, &r2, n);
				int64_t c = varying_binomial_draw(&varying, &r3, n);
				assert_int_equal(a, b);
				assert_true(c >= 0 && c <= n);
				if (same)
					assert_int_equal(a, c);
			}
			if (same) {
				assert_true(rng_next(&r1) == rng_next(&r3)); /* in step */
				walked++;
			} else {
				rejected++;
			}
		}
	}
	assert_true(walked > 1000 && rejected > 100);
	inversion_tables_free(tables);
}

/* The fit of DRAWS varying draws without the grid on stream (SEED, 0)
 * (varying_fit.h). */
static double varying_binomial_fit(uint64_t seed, int64_t n_lo, int64_t n_hi, double p,
				   double claimed)
{
	return varying_fit_binomial(NULL, seed, 0, DRAWS, n_lo, n_hi, p, claimed);
}

static void varying_binomials_are_exact_walked_or_not(void **state)
{
	(void)state;
	assert_true(varying_binomial_fit(61, 20, 600, 0.12, 0.12) > STATS_P_FLOOR); /* a rectification */
	assert_true(varying_binomial_fit(62, 0, 60, 0.08, 0.08) > STATS_P_FLOOR);    /* its rebound */
	assert_true(varying_binomial_fit(63, 120, 120, 0.85, 0.85) > STATS_P_FLOOR);
	assert_true(varying_binomial_fit(64, 100, 100, 0.159, 0.159) > STATS_P_FLOOR); /* the switch */
	assert_true(varying_binomial_fit(65, 100, 100, 0.161, 0.161) > STATS_P_FLOOR);
	/* the test can fail: draws at 0.125 are not Binomial(100, 0.12) */
	assert_true(varying_binomial_fit(66, 100, 100, 0.125, 0.12) < STATS_P_FLOOR);
}

static void varying_poissons_draw_what_the_tables_draw(void **state)
{
	(void)state;
	struct inversion_tables *tables = inversion_tables_new();
	const double means[] = {0.0, 1e-9, 0.3, 3.0, 15.9, 16.0, 25.0, 99.9, 100.0, 100.5, 400.0};
	for (size_t i = 0; i < sizeof means / sizeof means[0]; i++) {
		struct poisson_source kept;
		struct varying_poisson varying;
		inversion_poisson_init(&kept, means[i], tables);
		varying_poisson_init(&varying, means[i]);
		struct rng r1, r3;
		rng_init(&r1, SEED, i, 6);
		r3 = r1;
		int same = means[i] < VARYING_WALK_MEAN || means[i] > INVERSION_VARIANCE;
		double observed[400] = {0}, expected[400] = {0};
		for (int d = 0; d < 20000; d++) {
			int64_t a = inversion_poisson_draw(&kept, &r1), c = varying_poisson_draw(&varying, &r3);
			if (same)
				assert_int_equal(a, c);
			observed[c < 399 ? c : 399]++;
		}
		if (same) {
			assert_true(rng_next(&r1) == rng_next(&r3));
		} else if (means[i] < 200.0) {
			double tail = 1.0;
			for (int k = 0; k < 399; k++) {
				expected[k] = 20000.0 * stats_poisson_pmf(k, means[i]);
				tail -= stats_poisson_pmf(k, means[i]);
			}
			expected[399] = 20000.0 * (tail > 0.0 ? tail : 0.0);
			assert_true(stats_chi_square_test(observed, expected, 400) > STATS_P_FLOOR);
		}
	}
	inversion_tables_free(tables);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(uniform_draws_follow_the_cdf),
		cmocka_unit_test(triangular_draws_follow_the_cdf),
		cmocka_unit_test(pert_draws_follow_the_beta_pert_cdf),
		cmocka_unit_test(normal_draws_follow_the_cdf_and_its_truncation),
		cmocka_unit_test(lognormal_draws_have_the_written_mean_and_sd),
		cmocka_unit_test(beta_draws_follow_the_cdf_scaled),
		cmocka_unit_test(gamma_draws_follow_the_cdf),
		cmocka_unit_test(the_fit_rejects_a_wrong_cdf),
		cmocka_unit_test(discrete_draws_follow_their_weights),
		cmocka_unit_test(relative_draws_scale_the_base_value),
		cmocka_unit_test(integer_keys_take_rounded_draws),
		cmocka_unit_test(a_one_value_discrete_input_is_the_certain_value),
		cmocka_unit_test(each_path_keeps_its_draws),
		cmocka_unit_test(draws_do_not_depend_on_the_threads),
		cmocka_unit_test(a_correlated_pair_has_its_rank_correlation),
		cmocka_unit_test(the_rank_check_rejects_a_wrong_rho),
		cmocka_unit_test(three_correlated_inputs_keep_every_pair),
		cmocka_unit_test(the_copula_factor_reproduces_the_pearson_matrix),
		cmocka_unit_test(a_matrix_not_positive_definite_is_refused),
		cmocka_unit_test(perfect_rank_correlations_are_accepted),
		cmocka_unit_test(bad_pairs_are_refused),
		cmocka_unit_test(an_unbounded_distribution_on_a_bounded_key_names_the_bound),
		cmocka_unit_test(bounded_distributions_outside_the_range_name_the_bound),
		cmocka_unit_test(bad_parameters_are_refused),
		cmocka_unit_test(two_entries_reaching_one_path_are_refused),
		cmocka_unit_test(patterns_match_one_segment_per_star),
		cmocka_unit_test(quantiles_invert_their_cdf_in_both_tails),
		cmocka_unit_test(guesses_leave_the_values_exact),
		cmocka_unit_test(jacobi_finds_known_eigenvalues),
		cmocka_unit_test(varying_binomials_draw_what_the_tables_draw),
		cmocka_unit_test(varying_binomials_are_exact_walked_or_not),
		cmocka_unit_test(varying_poissons_draw_what_the_tables_draw),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
