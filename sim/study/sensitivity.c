#include "sensitivity.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "sample.h"

/* Design streams: counters that no replication uses. */
#define DESIGN_REPLICATION (UINT64_MAX - 1)

void sensitivity_morris_design_free(struct morris_design *d)
{
	free(d->points);
	free(d->factor);
	free(d->step);
	memset(d, 0, sizeof *d);
}

int sensitivity_morris_design_make(struct morris_design *d, int k, int r, int levels, uint64_t seed)
{
	memset(d, 0, sizeof *d);
	d->k = k;
	d->r = r;
	d->levels = levels;
	d->delta = (double)levels / (2.0 * (levels - 1));
	d->points = calloc((size_t)r * (size_t)(k + 1) * (size_t)k, sizeof *d->points);
	d->factor = calloc((size_t)r * (size_t)k, sizeof *d->factor);
	d->step = calloc((size_t)r * (size_t)k, sizeof *d->step);
	int *order = calloc((size_t)k, sizeof *order);
	double *direction = calloc((size_t)k, sizeof *direction);
	if (!d->points || !d->factor || !d->step || !order || !direction) {
		free(order);
		free(direction);
		sensitivity_morris_design_free(d);
		return -1;
	}
	struct rng stream;
	rng_init(&stream, seed, DESIGN_REPLICATION, 1);
	for (int t = 0; t < r; t++) {
		double *x = &d->points[(size_t)t * (size_t)(k + 1) * (size_t)k];
		/* a start in the lower half of the grid steps up by delta, one in the
		 * upper half steps down: every point stays on the grid in [0, 1] */
		for (int i = 0; i < k; i++) {
			int level = (int)sample_below(&stream, (uint64_t)levels);
			x[i] = (double)level / (levels - 1);
			direction[i] = level < levels / 2 ? d->delta : -d->delta;
			order[i] = i;
		}
		for (int i = k - 1; i > 0; i--) { /* a random order of the factors */
			int j = (int)sample_below(&stream, (uint64_t)i + 1);
			int swap = order[i];
			order[i] = order[j];
			order[j] = swap;
		}
		for (int j = 0; j < k; j++) {
			double *next = x + (size_t)(j + 1) * (size_t)k;
			memcpy(next, x + (size_t)j * (size_t)k, (size_t)k * sizeof *next);
			next[order[j]] += direction[order[j]];
			d->factor[(size_t)t * (size_t)k + (size_t)j] = order[j];
			d->step[(size_t)t * (size_t)k + (size_t)j] = direction[order[j]];
		}
	}
	free(order);
	free(direction);
	return 0;
}

void sensitivity_morris_effects(const struct morris_design *d, const double *y, double *mu_star, double *mu,
		    double *sigma)
{
	int k = d->k;
	for (int i = 0; i < k; i++)
		mu_star[i] = mu[i] = sigma[i] = 0.0;
	/* each factor has exactly one effect per trajectory */
	for (int t = 0; t < d->r; t++) {
		const double *yt = &y[(size_t)t * (size_t)(k + 1)];
		for (int j = 0; j < k; j++) {
			int f = d->factor[(size_t)t * (size_t)k + (size_t)j];
			double effect = (yt[j + 1] - yt[j]) / d->step[(size_t)t * (size_t)k + (size_t)j];
			mu[f] += effect / d->r;
			mu_star[f] += fabs(effect) / d->r;
		}
	}
	for (int t = 0; t < d->r; t++) {
		const double *yt = &y[(size_t)t * (size_t)(k + 1)];
		for (int j = 0; j < k; j++) {
			int f = d->factor[(size_t)t * (size_t)k + (size_t)j];
			double effect = (yt[j + 1] - yt[j]) / d->step[(size_t)t * (size_t)k + (size_t)j];
			sigma[f] += (effect - mu[f]) * (effect - mu[f]);
		}
	}
	for (int i = 0; i < k; i++)
		sigma[i] = d->r > 1 ? sqrt(sigma[i] / (d->r - 1)) : 0.0;
}

void sensitivity_sobol_design_free(struct sobol_design *d)
{
	free(d->a);
	free(d->b);
	memset(d, 0, sizeof *d);
}

int sensitivity_sobol_design_make(struct sobol_design *d, int k, int n, uint64_t seed)
{
	d->k = k;
	d->n = n;
	d->a = calloc((size_t)n * (size_t)k, sizeof *d->a);
	d->b = calloc((size_t)n * (size_t)k, sizeof *d->b);
	if (!d->a || !d->b) {
		sensitivity_sobol_design_free(d);
		return -1;
	}
	struct rng stream;
	rng_init(&stream, seed, DESIGN_REPLICATION, 2);
	for (size_t i = 0; i < (size_t)n * (size_t)k; i++) {
		d->a[i] = rng_uniform(&stream);
		d->b[i] = rng_uniform(&stream);
	}
	return 0;
}

void sensitivity_sobol_point(const struct sobol_design *d, int m, int j, double *x)
{
	const double *a = &d->a[(size_t)j * (size_t)d->k];
	const double *b = &d->b[(size_t)j * (size_t)d->k];
	memcpy(x, m == 1 ? b : a, (size_t)d->k * sizeof *x);
	if (m >= 2)
		x[m - 2] = b[m - 2];
}

/* Jansen's indices over the rows ROWS[0..n-1] (a resample, or 0..n-1). */
static void jansen(const struct sobol_design *d, const double *y, const int *rows, double *first,
		   double *total, double *variance)
{
	int n = d->n, k = d->k;
	const double *ya = y, *yb = y + n;
	double mean = 0.0, m2 = 0.0;
	for (int j = 0; j < n; j++)
		mean += ya[rows[j]] + yb[rows[j]];
	mean /= 2.0 * n;
	for (int j = 0; j < n; j++)
		m2 += (ya[rows[j]] - mean) * (ya[rows[j]] - mean) + (yb[rows[j]] - mean) * (yb[rows[j]] - mean);
	double v = m2 / (2.0 * n - 1.0);
	*variance = v;
	for (int i = 0; i < k; i++) {
		const double *yab = y + (size_t)(i + 2) * (size_t)n;
		double first_sum = 0.0, total_sum = 0.0;
		for (int j = 0; j < n; j++) {
			int r = rows[j];
			first_sum += (yb[r] - yab[r]) * (yb[r] - yab[r]);
			total_sum += (ya[r] - yab[r]) * (ya[r] - yab[r]);
		}
		first[i] = v > 0.0 ? (v - first_sum / (2.0 * n)) / v : 0.0;
		total[i] = v > 0.0 ? total_sum / (2.0 * n) / v : 0.0;
	}
}

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int sensitivity_sobol_estimate(const struct sobol_design *d, const double *y, int bootstrap, uint64_t seed,
		   struct sobol_indices *out)
{
	int n = d->n, k = d->k;
	int *rows = calloc((size_t)n, sizeof *rows);
	double *first = calloc((size_t)k, sizeof *first), *total = calloc((size_t)k, sizeof *total);
	double *samples = calloc((size_t)(bootstrap > 0 ? bootstrap : 1) * 2 * (size_t)k, sizeof *samples);
	double *column = calloc((size_t)(bootstrap > 0 ? bootstrap : 1), sizeof *column);
	if (!rows || !first || !total || !samples || !column) {
		free(rows), free(first), free(total), free(samples), free(column);
		return -1;
	}
	for (int j = 0; j < n; j++)
		rows[j] = j;
	jansen(d, y, rows, out->first, out->total, &out->variance);
	for (int i = 0; i < k; i++) {
		out->first_lo[i] = out->first_hi[i] = out->first[i];
		out->total_lo[i] = out->total_hi[i] = out->total[i];
	}
	struct rng stream;
	rng_init(&stream, seed, DESIGN_REPLICATION, 3);
	for (int b = 0; b < bootstrap; b++) {
		double v;
		for (int j = 0; j < n; j++)
			rows[j] = (int)sample_below(&stream, (uint64_t)n);
		jansen(d, y, rows, first, total, &v);
		for (int i = 0; i < k; i++) {
			samples[(size_t)(2 * i) * (size_t)bootstrap + (size_t)b] = first[i];
			samples[(size_t)(2 * i + 1) * (size_t)bootstrap + (size_t)b] = total[i];
		}
	}
	if (bootstrap > 0) {
		int lo = (int)floor(0.025 * (bootstrap - 1)), hi = (int)ceil(0.975 * (bootstrap - 1));
		for (int i = 0; i < 2 * k; i++) {
			memcpy(column, &samples[(size_t)i * (size_t)bootstrap], (size_t)bootstrap * sizeof *column);
			qsort(column, (size_t)bootstrap, sizeof *column, compare_doubles);
			int factor = i / 2;
			if (i % 2 == 0) {
				out->first_lo[factor] = column[lo];
				out->first_hi[factor] = column[hi];
			} else {
				out->total_lo[factor] = column[lo];
				out->total_hi[factor] = column[hi];
			}
		}
	}
	free(rows), free(first), free(total), free(samples), free(column);
	return 0;
}
