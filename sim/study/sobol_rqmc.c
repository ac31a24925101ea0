#include "sobol_rqmc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "sobol_sequence.h"

/* The scramblings' streams: counters no replication uses (like
 * sensitivity.c's designs), one substream a design. */
#define DESIGN_REPLICATION (UINT64_MAX - 1)
#define RQMC_SUBSTREAM 1000

void sobol_rqmc_free(struct sobol_rqmc *d)
{
	free(d->a);
	free(d->b);
	memset(d, 0, sizeof *d);
}

int sobol_rqmc_make(struct sobol_rqmc *d, int k, int n, int replicates, uint64_t seed)
{
	memset(d, 0, sizeof *d);
	if (k < 1 || 2 * k > SOBOL_DIMENSIONS || n < 1 || (n & (n - 1)) != 0 || replicates < 2)
		return -1;
	d->k = k;
	d->n = n;
	d->replicates = replicates;
	size_t values = (size_t)replicates * (size_t)n * (size_t)k;
	d->a = malloc(values * sizeof *d->a);
	d->b = malloc(values * sizeof *d->b);
	struct sobol_sequence *q = malloc(sizeof *q);
	if (!d->a || !d->b || !q) {
		free(q);
		sobol_rqmc_free(d);
		return -1;
	}
	double x[SOBOL_DIMENSIONS];
	for (int r = 0; r < replicates; r++) {
		struct rng scramble;
		rng_init(&scramble, seed, DESIGN_REPLICATION, RQMC_SUBSTREAM + (uint64_t)r);
		sobol_sequence_init(q, 2 * k, &scramble);
		for (int j = 0; j < n; j++) {
			sobol_sequence_next(q, x);
			size_t row = ((size_t)r * (size_t)n + (size_t)j) * (size_t)k;
			memcpy(&d->a[row], x, (size_t)k * sizeof *x);
			memcpy(&d->b[row], x + k, (size_t)k * sizeof *x);
		}
	}
	free(q);
	return 0;
}

int sobol_rqmc_points(const struct sobol_rqmc *d)
{
	return d->replicates * (d->k + 2) * d->n;
}

void sobol_rqmc_point(const struct sobol_rqmc *d, int p, double *x)
{
	int per_design = (d->k + 2) * d->n;
	int r = p / per_design, m = p % per_design / d->n, j = p % d->n;
	size_t row = ((size_t)r * (size_t)d->n + (size_t)j) * (size_t)d->k;
	memcpy(x, m == 1 ? &d->b[row] : &d->a[row], (size_t)d->k * sizeof *x);
	if (m >= 2)
		x[m - 2] = d->b[row + (size_t)(m - 2)];
}

/* One design's estimates from its Y[(k + 2) n] into FIRST[k], TOTAL[k];
 * returns its output variance. */
static double design_estimates(int k, int n, const double *y, double *first, double *total)
{
	const double *ya = y, *yb = y + n;
	double mean = 0.0, m2 = 0.0;
	for (int j = 0; j < n; j++)
		mean += ya[j] + yb[j];
	mean /= 2.0 * n;
	for (int j = 0; j < n; j++)
		m2 += (ya[j] - mean) * (ya[j] - mean) + (yb[j] - mean) * (yb[j] - mean);
	double v = m2 / (2.0 * n - 1.0);
	for (int i = 0; i < k; i++) {
		const double *yab = y + (size_t)(i + 2) * (size_t)n;
		double first_sum = 0.0, total_sum = 0.0;
		for (int j = 0; j < n; j++) {
			/* centred: the estimator's spread would grow with the mean */
			first_sum += (yb[j] - mean) * (yab[j] - ya[j]);
			total_sum += (ya[j] - yab[j]) * (ya[j] - yab[j]);
		}
		first[i] = v > 0.0 ? first_sum / n / v : 0.0;
		total[i] = v > 0.0 ? total_sum / (2.0 * n) / v : 0.0;
	}
	return v;
}

double sobol_rqmc_t975(int df)
{
	static const double table[31] = {
		0.0,    12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
		2.2010, 2.1788,  2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
		2.0796, 2.0739,  2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423};
	if (df < 1)
		return INFINITY;
	if (df <= 30)
		return table[df];
	double z = 1.959963984540054, z2 = z * z, n = (double)df;
	return z + z * (z2 + 1.0) / (4.0 * n) + z * (5.0 * z2 * z2 + 16.0 * z2 + 3.0) / (96.0 * n * n);
}

void sobol_rqmc_estimate(const struct sobol_rqmc *d, const double *y, struct sobol_indices *out)
{
	int k = d->k, n = d->n, R = d->replicates;
	double first[SOBOL_DIMENSIONS / 2], total[SOBOL_DIMENSIONS / 2];
	/* Welford's running means and sums of squared deviations */
	double mean_first[SOBOL_DIMENSIONS / 2] = {0}, m2_first[SOBOL_DIMENSIONS / 2] = {0};
	double mean_total[SOBOL_DIMENSIONS / 2] = {0}, m2_total[SOBOL_DIMENSIONS / 2] = {0};
	double variance = 0.0;
	for (int r = 0; r < R; r++) {
		variance += design_estimates(k, n, y + (size_t)r * (size_t)(k + 2) * (size_t)n, first,
					     total) / R;
		for (int i = 0; i < k; i++) {
			double df = first[i] - mean_first[i], dt = total[i] - mean_total[i];
			mean_first[i] += df / (r + 1);
			mean_total[i] += dt / (r + 1);
			m2_first[i] += df * (first[i] - mean_first[i]);
			m2_total[i] += dt * (total[i] - mean_total[i]);
		}
	}
	double t = sobol_rqmc_t975(R - 1) / sqrt((double)R);
	for (int i = 0; i < k; i++) {
		double sf = sqrt(m2_first[i] / (R - 1)), st = sqrt(m2_total[i] / (R - 1));
		out->first[i] = mean_first[i];
		out->first_lo[i] = mean_first[i] - t * sf;
		out->first_hi[i] = mean_first[i] + t * sf;
		out->total[i] = mean_total[i];
		out->total_lo[i] = mean_total[i] - t * st;
		out->total_hi[i] = mean_total[i] + t * st;
	}
	out->variance = variance;
}
