/*
 * Goodness-of-fit helpers for the statistical tests, written independently
 * of the code under test (libm's lgamma, erfc).
 *
 * Every statistical test draws with a fixed seed, so it passes or fails the
 * same way every time; the tolerance is a p-value floor of STATS_P_FLOOR: a
 * correct sampler fails a given test with probability 1e-4 over seeds, a
 * wrong one fails it almost surely.
 */
#ifndef CCSIM_TESTS_STATS_H
#define CCSIM_TESTS_STATS_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#define STATS_P_FLOOR 1e-4

/* Regularised upper incomplete gamma Q(a, x). */
static inline double stats_gamma_q(double a, double x)
{
	if (x <= 0.0)
		return 1.0;
	double log_prefactor = -x + a * log(x) - lgamma(a);
	if (x < a + 1.0) { /* series for P */
		double term = 1.0 / a, sum = term;
		for (int n = 1; n < 100000; n++) {
			term *= x / (a + n);
			sum += term;
			if (fabs(term) < fabs(sum) * 1e-16)
				break;
		}
		return 1.0 - sum * exp(log_prefactor);
	}
	/* Lentz's continued fraction for Q */
	double b = x + 1.0 - a, c = 1.0 / 1e-300, d = 1.0 / b, h = d;
	for (int i = 1; i < 100000; i++) {
		double an = -i * (i - a);
		b += 2.0;
		d = an * d + b;
		if (fabs(d) < 1e-300)
			d = 1e-300;
		c = b + an / c;
		if (fabs(c) < 1e-300)
			c = 1e-300;
		d = 1.0 / d;
		double delta = d * c;
		h *= delta;
		if (fabs(delta - 1.0) < 1e-16)
			break;
	}
	return exp(log_prefactor) * h;
}

/* P(chi-square with DF degrees of freedom > X). */
static inline double stats_chi_square_p(double x, int df)
{
	return stats_gamma_q(df / 2.0, x / 2.0);
}

/*
 * Pearson's chi-square test of OBSERVED counts against EXPECTED counts over
 * N cells, pooling neighbouring cells until each expects at least 5.
 * Returns the p-value.
 */
static inline double stats_chi_square_test(const double *observed, const double *expected, int n)
{
	double chi = 0.0, o = 0.0, e = 0.0;
	int cells = 0;
	for (int i = 0; i < n; i++) {
		o += observed[i];
		e += expected[i];
		if (e >= 5.0 || i == n - 1) {
			if (e > 0.0) {
				chi += (o - e) * (o - e) / e;
				cells++;
			}
			o = e = 0.0;
		}
	}
	return cells > 1 ? stats_chi_square_p(chi, cells - 1) : 1.0;
}

static int stats_compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* One-sample Kolmogorov-Smirnov test of the N values X (sorted in place)
 * against the continuous CDF; returns the asymptotic p-value. */
static inline double stats_ks_test(double *x, int n, double (*cdf)(double, const double *),
				   const double *params)
{
	qsort(x, (size_t)n, sizeof *x, stats_compare_doubles);
	double d = 0.0;
	for (int i = 0; i < n; i++) {
		double f = cdf(x[i], params);
		double above = (i + 1.0) / n - f, below = f - (double)i / n;
		if (above > d)
			d = above;
		if (below > d)
			d = below;
	}
	double sn = sqrt((double)n);
	double lambda = (sn + 0.12 + 0.11 / sn) * d;
	double p = 0.0;
	for (int k = 1; k <= 100; k++)
		p += 2.0 * ((k % 2) ? 1.0 : -1.0) * exp(-2.0 * k * k * lambda * lambda);
	return p < 0.0 ? 0.0 : (p > 1.0 ? 1.0 : p);
}

/* Binomial(n, p) probability of k, from lgamma. */
static inline double stats_binomial_pmf(int64_t k, int64_t n, double p)
{
	if (k < 0 || k > n)
		return 0.0;
	if (p <= 0.0)
		return k == 0;
	if (p >= 1.0)
		return k == n;
	return exp(lgamma(n + 1.0) - lgamma(k + 1.0) - lgamma(n - k + 1.0) + k * log(p) +
		   (n - k) * log1p(-p));
}

static inline double stats_poisson_pmf(int64_t k, double mu)
{
	if (mu <= 0.0)
		return k == 0;
	return exp(-mu + k * log(mu) - lgamma(k + 1.0));
}

/* Cells of a Poisson(mu) chi-square: 0, 1, ..., the last one pooling the tail. */
static inline int stats_poisson_cells(double mu)
{
	return (int)(mu + 12.0 * sqrt(mu) + 30.0);
}

/* Chi-square p-value of DRAWS Poisson(mu) counts in OBSERVED[stats_poisson_cells(mu)]
 * (values past the last cell counted in it). */
static inline double stats_poisson_test(const double *observed, double mu, int draws)
{
	int cells = stats_poisson_cells(mu);
	double *expected = calloc((size_t)cells, sizeof *expected);
	double tail = 1.0;
	for (int k = 0; k < cells - 1; k++) {
		expected[k] = draws * stats_poisson_pmf(k, mu);
		tail -= stats_poisson_pmf(k, mu);
	}
	expected[cells - 1] = draws * (tail > 0.0 ? tail : 0.0);
	double pvalue = stats_chi_square_test(observed, expected, cells);
	free(expected);
	return pvalue;
}

/* Standard normal CDF. */
static inline double stats_normal_cdf(double z)
{
	return 0.5 * erfc(-z / sqrt(2.0));
}

#endif
