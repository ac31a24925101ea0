/*
 * sobol_rqmc: the Sobol' sequence against SciPy's (the same Joe-Kuo
 * direction numbers), the net property of scrambled points, and the
 * intervals' honesty: over independent seeds, the 95 % intervals of the
 * Ishigami function's first and total indices cover the exact values
 * about 95 % of the time, and they narrow as the designs grow.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "sobol_rqmc.h"
#include "sobol_sequence.h"

/* Unscrambled points of 128 dimensions from SciPy 1.10.1's qmc.Sobol (bits 52):
 * point index, dimension, coordinate. */
static const struct {
	int index, dimension;
	double x;
} scipy_points[] = {
	{1, 0, 0x1.0000000000000p-1},    {2, 1, 0x1.0000000000000p-2},
	{3, 2, 0x1.8000000000000p-1},    {7, 3, 0x1.0000000000000p-3},
	{1000, 5, 0x1.d080000000000p-1}, {1000, 63, 0x1.c900000000000p-2},
	{1000, 127, 0x1.1680000000000p-1}, {4095, 100, 0x1.6140000000000p-2},
	{2047, 77, 0x1.f280000000000p-2}, {777, 9, 0x1.4b00000000000p-2},
	{2747, 16, 0x1.7f20000000000p-1}, {3297, 5, 0x1.aee0000000000p-1},
	{92, 0, 0x1.3800000000000p-2},   {3309, 6, 0x1.f7a0000000000p-1},
	{1920, 19, 0x1.8ec0000000000p-1}, {2110, 127, 0x1.8d40000000000p-2},
	{2581, 24, 0x1.0e20000000000p-1}, {1170, 83, 0x1.2600000000000p-4},
	{4012, 96, 0x1.66a0000000000p-1}, {220, 30, 0x1.d600000000000p-1},
	{1138, 36, 0x1.1640000000000p-1}, {1570, 55, 0x1.1a00000000000p-4},
	{2339, 33, 0x1.c980000000000p-3}, {1673, 124, 0x1.8440000000000p-1},
};

static void the_sequence_is_scipys(void **state)
{
	(void)state;
	struct sobol_sequence *q = malloc(sizeof *q);
	double *points = malloc((size_t)4096 * SOBOL_DIMENSIONS * sizeof *points);
	assert_non_null(q);
	assert_non_null(points);
	assert_int_equal(sobol_sequence_init(q, SOBOL_DIMENSIONS, NULL), 0);
	for (int i = 0; i < 4096; i++)
		sobol_sequence_next(q, &points[(size_t)i * SOBOL_DIMENSIONS]);
	/* SciPy's 2-d example, then sampled points up to dimension 128 */
	static const double two_d[8][2] = {{0, 0},         {0.5, 0.5},     {0.75, 0.25}, {0.25, 0.75},
					   {0.375, 0.375}, {0.875, 0.875}, {0.625, 0.125}, {0.125, 0.625}};
	for (int i = 0; i < 8; i++)
		for (int j = 0; j < 2; j++)
			assert_true(points[(size_t)i * SOBOL_DIMENSIONS + (size_t)j] == two_d[i][j]);
	for (size_t i = 0; i < sizeof scipy_points / sizeof scipy_points[0]; i++)
		assert_true(points[(size_t)scipy_points[i].index * SOBOL_DIMENSIONS +
				   (size_t)scipy_points[i].dimension] == scipy_points[i].x);
	assert_int_equal(sobol_sequence_init(q, 0, NULL), -1);
	assert_int_equal(sobol_sequence_init(q, SOBOL_DIMENSIONS + 1, NULL), -1);
	free(points);
	free(q);
}

/* Each coordinate of the first 2^m scrambled points has one point in each
 * 1/2^m of [0, 1), and two scramblings differ. */
static void scrambled_points_stay_a_net(void **state)
{
	(void)state;
	struct sobol_sequence *q = malloc(sizeof *q);
	assert_non_null(q);
	enum { M = 10, N = 1 << M, D = 40 };
	static double x[N][D];
	static int hits[N];
	double first[2][D];
	for (int seed = 0; seed < 2; seed++) {
		struct rng r;
		rng_init(&r, (uint64_t)seed + 3, 0, 0);
		sobol_sequence_init(q, D, &r);
		for (int i = 0; i < N; i++)
			sobol_sequence_next(q, x[i]);
		for (int d = 0; d < D; d++) {
			for (int i = 0; i < N; i++)
				hits[i] = 0;
			for (int i = 0; i < N; i++) {
				assert_true(x[i][d] >= 0.0 && x[i][d] < 1.0);
				hits[(int)(x[i][d] * N)]++;
			}
			for (int i = 0; i < N; i++)
				assert_int_equal(hits[i], 1);
			first[seed][d] = x[0][d];
		}
	}
	int differ = 0;
	for (int d = 0; d < D; d++)
		differ += first[0][d] != first[1][d];
	assert_true(differ >= D - 1);
	free(q);
}

/* Ishigami: sin x1 + a sin^2 x2 + b x3^4 sin x1 on [-pi, pi]^3, with
 * its exact indices (Sobol' and Levitan 1999). */
#define PI 3.14159265358979323846
#define ISHIGAMI_A 7.0
#define ISHIGAMI_B 0.1

static double ishigami(const double *u)
{
	double x1 = PI * (2.0 * u[0] - 1.0), x2 = PI * (2.0 * u[1] - 1.0), x3 = PI * (2.0 * u[2] - 1.0);
	double s2 = sin(x2);
	return sin(x1) + ISHIGAMI_A * s2 * s2 + ISHIGAMI_B * pow(x3, 4) * sin(x1);
}

static void ishigami_indices(double *first, double *total)
{
	double a = ISHIGAMI_A, b = ISHIGAMI_B, pi4 = pow(PI, 4), pi8 = pi4 * pi4;
	double v1 = 0.5 * pow(1.0 + b * pi4 / 5.0, 2), v2 = a * a / 8.0;
	double v13 = b * b * pi8 * (1.0 / 18.0 - 1.0 / 50.0);
	double v = v1 + v2 + v13;
	first[0] = v1 / v, first[1] = v2 / v, first[2] = 0.0;
	total[0] = (v1 + v13) / v, total[1] = v2 / v, total[2] = v13 / v;
}

/* The widest of the six intervals for one seed; counts the covering ones in COVERED[6]. */
static double one_analysis(uint64_t seed, int n, int replicates, int *covered)
{
	struct sobol_rqmc d;
	assert_int_equal(sobol_rqmc_make(&d, 3, n, replicates, seed), 0);
	int points = sobol_rqmc_points(&d);
	double *y = malloc((size_t)points * sizeof *y);
	assert_non_null(y);
	double x[3];
	for (int p = 0; p < points; p++) {
		sobol_rqmc_point(&d, p, x);
		y[p] = ishigami(x);
	}
	double first[3], first_lo[3], first_hi[3], total[3], total_lo[3], total_hi[3];
	struct sobol_indices out = {first, first_lo, first_hi, total, total_lo, total_hi, 0.0};
	sobol_rqmc_estimate(&d, y, &out);
	double exact_first[3], exact_total[3], widest = 0.0;
	ishigami_indices(exact_first, exact_total);
	for (int i = 0; i < 3; i++) {
		covered[i] += first_lo[i] <= exact_first[i] && exact_first[i] <= first_hi[i];
		covered[3 + i] += total_lo[i] <= exact_total[i] && exact_total[i] <= total_hi[i];
		widest = fmax(widest, fmax(first_hi[i] - first_lo[i], total_hi[i] - total_lo[i]));
	}
	free(y);
	sobol_rqmc_free(&d);
	return widest;
}

/*
 * 400 seeds of 10 designs of 256 rows, and of 16 designs of 128 rows (the
 * shape of bench/run.sh's sobol part): each index's interval covers the
 * exact value in 95 % of them, within 4.5 binomial standard errors (a
 * correct interval fails this with probability 7e-6); widths shrink by
 * more than sqrt(16) from 64 to 1024 rows (quasi-Monte Carlo beats 1/sqrt n).
 */
static void intervals_cover_ishigamis_indices(void **state)
{
	(void)state;
	enum { SEEDS = 400 };
	static const int shapes[2][2] = {{256, 10}, {128, 16}};  /* rows, designs */
	double sd = sqrt(0.95 * 0.05 / SEEDS);
	for (int shape = 0; shape < 2; shape++) {
		int covered[6] = {0};
		for (uint64_t seed = 0; seed < SEEDS; seed++)
			one_analysis(seed + 5000 * (uint64_t)shape, shapes[shape][0], shapes[shape][1], covered);
		for (int i = 0; i < 6; i++) {
			printf("  %d designs of %d rows: coverage of %s index %d: %.3f\n", shapes[shape][1],
			       shapes[shape][0], i < 3 ? "first" : "total", i % 3 + 1, (double)covered[i] / SEEDS);
			assert_true(fabs((double)covered[i] / SEEDS - 0.95) <= 4.5 * sd);
		}
	}
	int unused[6] = {0};
	double wide = 0.0, narrow = 0.0;
	for (uint64_t seed = 1000; seed < 1020; seed++) {
		wide += one_analysis(seed, 64, 10, unused);
		narrow += one_analysis(seed, 1024, 10, unused);
	}
	printf("  widest interval, mean of 20 seeds: %.4f with 64 rows, %.4f with 1024\n", wide / 20,
	       narrow / 20);
	assert_true(narrow < wide / 4.0);
}

static void refusals_and_t_quantiles(void **state)
{
	(void)state;
	struct sobol_rqmc d;
	assert_int_equal(sobol_rqmc_make(&d, 3, 48, 10, 1), -1); /* not a power of 2 */
	assert_int_equal(sobol_rqmc_make(&d, 3, 64, 1, 1), -1);  /* no spread from one design */
	assert_int_equal(sobol_rqmc_make(&d, SOBOL_DIMENSIONS / 2 + 1, 64, 10, 1), -1);
	assert_true(fabs(sobol_rqmc_t975(9) - 2.2622) < 1e-4);
	assert_true(fabs(sobol_rqmc_t975(40) - 2.0211) < 2e-4);
	assert_true(fabs(sobol_rqmc_t975(120) - 1.9799) < 1e-4);
	assert_true(sobol_rqmc_t975(31) < sobol_rqmc_t975(30));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_sequence_is_scipys),
		cmocka_unit_test(scrambled_points_stay_a_net),
		cmocka_unit_test(intervals_cover_ishigamis_indices),
		cmocka_unit_test(refusals_and_t_quantiles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
