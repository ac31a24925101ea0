#include "sample.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

uint64_t sample_below(struct rng *r, uint64_t n)
{
	/* Lemire (2019): the high word of x * n is uniform once the low word
	 * is outside the short first interval. */
	unsigned __int128 m = (unsigned __int128)rng_next(r) * n;
	uint64_t low = (uint64_t)m;
	if (low < n) {
		uint64_t threshold = -n % n;
		while (low < threshold) {
			m = (unsigned __int128)rng_next(r) * n;
			low = (uint64_t)m;
		}
	}
	return (uint64_t)(m >> 64);
}

int64_t sample_uniform_int(struct rng *r, int64_t lo, int64_t hi)
{
	uint64_t span = (uint64_t)hi - (uint64_t)lo + 1;
	if (span == 0) /* the whole 64-bit range */
		return (int64_t)rng_next(r);
	return (int64_t)((uint64_t)lo + sample_below(r, span));
}

int sample_bernoulli(struct rng *r, double p)
{
	return rng_uniform(r) < p;
}

double log_factorial(int64_t k)
{
	static const double small[10] = {
		0.0, 0.0, 0.69314718055994531, 1.79175946922805500,
		3.17805383034794562, 4.78749174278204599, 6.57925121201010100,
		8.52516136106541430, 10.60460290274525023, 12.80182748008146961};
	if (k < 10)
		return small[k];
	/* Stirling's series for lgamma(x), x = k + 1 >= 11: the first omitted
	 * term is below 1e-17. */
	double x = (double)k + 1.0;
	double x2 = x * x;
	return (x - 0.5) * log(x) - x + 0.91893853320467274 +
	       (1.0 / 12.0 - (1.0 / 360.0 - (1.0 / 1260.0 - 1.0 / (1680.0 * x2)) / x2) / x2) / x;
}

/* Inversion by sequential search, p <= 0.5 and n*p < 10. */
static int64_t binomial_inversion(struct rng *r, int64_t n, double p)
{
	double q = 1.0 - p;
	double q_n = exp((double)n * log1p(-p));
	double mean = (double)n * p;
	double bound = fmin((double)n, mean + 10.0 * sqrt(mean * q + 1.0) + 20.0);
	int64_t x = 0;
	double px = q_n;
	double u = rng_uniform(r);
	while (u > px) {
		x++;
		if ((double)x > bound) { /* the tail beyond bound: start again */
			x = 0;
			px = q_n;
			u = rng_uniform(r);
			continue;
		}
		u -= px;
		px *= ((double)(n - x + 1) * p) / ((double)x * q);
	}
	return x;
}

/* Hoermann's BTRS (1993), p <= 0.5 and n*p >= 10. */
static int64_t binomial_btrs(struct rng *r, int64_t n, double p)
{
	double q = 1.0 - p;
	double spq = sqrt((double)n * p * q);
	double b = 1.15 + 2.53 * spq;
	double a = -0.0873 + 0.0248 * b + 0.01 * p;
	double c = (double)n * p + 0.5;
	double v_r = 0.92 - 4.2 / b;
	double alpha = (2.83 + 5.1 / b) * spq;
	double lpq = log(p / q);
	int64_t m = (int64_t)floor((double)(n + 1) * p);
	double h = log_factorial(m) + log_factorial(n - m);

	for (;;) {
		double u = rng_uniform(r) - 0.5;
		double v = rng_uniform(r);
		double us = 0.5 - fabs(u);
		double kf = floor((2.0 * a / us + b) * u + c);
		if (kf < 0.0 || kf > (double)n)
			continue;
		int64_t k = (int64_t)kf;
		if (us >= 0.07 && v <= v_r)
			return k;
		if (v <= 0.0)
			continue;
		v = log(v * alpha / (a / (us * us) + b));
		if (v <= h - log_factorial(k) - log_factorial(n - k) + (double)(k - m) * lpq)
			return k;
	}
}

int64_t sample_binomial(struct rng *r, int64_t n, double p)
{
	if (n <= 0 || p <= 0.0)
		return 0;
	if (p >= 1.0)
		return n;
	if (p > 0.5)
		return n - sample_binomial(r, n, 1.0 - p);
	if ((double)n * p < 10.0)
		return binomial_inversion(r, n, p);
	return binomial_btrs(r, n, p);
}

/* Inversion by sequential search, mu < 10. */
static int64_t poisson_inversion(struct rng *r, double mu)
{
	double e_mu = exp(-mu);
	double bound = mu + 10.0 * sqrt(mu) + 20.0;
	int64_t x = 0;
	double px = e_mu;
	double u = rng_uniform(r);
	while (u > px) {
		x++;
		if ((double)x > bound) {
			x = 0;
			px = e_mu;
			u = rng_uniform(r);
			continue;
		}
		u -= px;
		px *= mu / (double)x;
	}
	return x;
}

/* Hoermann's PTRS (1993), mu >= 10. */
static int64_t poisson_ptrs(struct rng *r, double mu)
{
	double slam = sqrt(mu);
	double loglam = log(mu);
	double b = 0.931 + 2.53 * slam;
	double a = -0.059 + 0.02483 * b;
	double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
	double v_r = 0.9277 - 3.6224 / (b - 2.0);

	for (;;) {
		double u = rng_uniform(r) - 0.5;
		double v = rng_uniform(r);
		double us = 0.5 - fabs(u);
		double kf = floor((2.0 * a / us + b) * u + mu + 0.43);
		if (us >= 0.07 && v <= v_r)
			return (int64_t)kf;
		if (kf < 0.0 || (us < 0.013 && v > us) || v <= 0.0)
			continue;
		int64_t k = (int64_t)kf;
		if (log(v) + log(inv_alpha) - log(a / (us * us) + b) <=
		    -mu + kf * loglam - log_factorial(k))
			return k;
	}
}

int64_t sample_poisson(struct rng *r, double mu)
{
	if (mu <= 0.0)
		return 0;
	if (mu < 10.0)
		return poisson_inversion(r, mu);
	return poisson_ptrs(r, mu);
}

double sample_normal(struct rng *r)
{
	double u, v, s;
	do {
		u = 2.0 * rng_uniform(r) - 1.0;
		v = 2.0 * rng_uniform(r) - 1.0;
		s = u * u + v * v;
	} while (s >= 1.0 || s == 0.0);
	return u * sqrt(-2.0 * log(s) / s);
}

/* log Gamma(shape, 1) variate for shape >= 1 (Marsaglia and Tsang, 2000). */
static double log_gamma_marsaglia_tsang(struct rng *r, double shape)
{
	double d = shape - 1.0 / 3.0;
	double c = 1.0 / sqrt(9.0 * d);
	for (;;) {
		double x = sample_normal(r);
		double v = 1.0 + c * x;
		if (v <= 0.0)
			continue;
		v = v * v * v;
		double u = rng_uniform_open(r);
		double x2 = x * x;
		if (u < 1.0 - 0.0331 * x2 * x2 || log(u) < 0.5 * x2 + d * (1.0 - v + log(v)))
			return log(d) + log(v);
	}
}

double sample_log_gamma(struct rng *r, double shape)
{
	if (shape >= 1.0)
		return log_gamma_marsaglia_tsang(r, shape);
	/* Gamma(a) = Gamma(a + 1) * U^(1/a) */
	double boosted = log_gamma_marsaglia_tsang(r, shape + 1.0);
	return boosted + log(rng_uniform_open(r)) / shape;
}

double sample_beta(struct rng *r, double a, double b)
{
	double log_x = sample_log_gamma(r, a);
	double log_y = sample_log_gamma(r, b);
	/* X / (X + Y), computed without forming X or Y */
	return 1.0 / (1.0 + exp(log_y - log_x));
}

void draw_set_free(struct draw_set *set)
{
	free(set->slots);
	set->slots = NULL;
	set->capacity = 0;
	set->mask = 0;
}

static size_t slot_of(uint64_t value, size_t mask)
{
	/* Fibonacci hashing spreads consecutive values. */
	return (size_t)((value * UINT64_C(0x9E3779B97F4A7C15)) >> 17) & mask;
}

/* Inserts VALUE; returns 0 when it was already there. */
static int draw_set_insert(struct draw_set *set, uint64_t value)
{
	size_t mask = set->mask;
	size_t i = slot_of(value, mask);
	while (set->slots[i] != 0) {
		if (set->slots[i] == value + 1)
			return 0;
		i = (i + 1) & mask;
	}
	set->slots[i] = value + 1;
	return 1;
}

int64_t sample_without_replacement(struct rng *r, uint64_t n, uint64_t k,
				   struct draw_set *set, uint64_t *out)
{
	if (k >= n) {
		for (uint64_t i = 0; i < n; i++)
			out[i] = i;
		return (int64_t)n;
	}
	if (k == 0)
		return 0;

	size_t need = 4;
	while (need < 2 * k)
		need *= 2;
	if (set->capacity < need) {
		uint64_t *slots = realloc(set->slots, need * sizeof *slots);
		if (slots == NULL)
			return -1;
		set->slots = slots;
		set->capacity = need;
	}
	/* Only the slots this draw uses are cleared: O(k), whatever was
	 * allocated for an earlier, larger draw. */
	set->mask = need - 1;
	memset(set->slots, 0, need * sizeof *set->slots);

	/* Floyd (1987): for j = n-k .. n-1 take t uniform in 0..j; if t is
	 * already taken, take j (which cannot be). Every k-subset is equally
	 * likely. */
	uint64_t written = 0;
	for (uint64_t j = n - k; j < n; j++) {
		uint64_t t = sample_below(r, j + 1);
		if (!draw_set_insert(set, t)) {
			draw_set_insert(set, j);
			t = j;
		}
		out[written++] = t;
	}
	return (int64_t)written;
}
