#include "pooling.h"

#include <math.h>

#include "special.h"

/* The least concentration a + b tried, and the grid of log s. */
#define S_MIN (10 * POOLING_MIN)
#define GRID 24
/* How far past the cap the grid looks for a finite maximum. */
#define BEYOND_CAP 1e6

struct data {
	const int64_t *k, *n;
	int count;
};

/* The asymptotic series of psi(y) - log(y) + 1 / (2 y), y >= 10, and of
 * psi'(y) - 1 / y - 1 / (2 y^2): their terms in 1 / y^2 (to 1e-15 from y = 10). */
static double digamma_tail(double y)
{
	double f = 1.0 / (y * y);
	return -f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f * (1.0 / 132)))));
}

static double trigamma_tail(double y)
{
	double f = 1.0 / (y * y);
	return f / y * (1.0 / 6 - f * (1.0 / 30 - f * (1.0 / 42 - f * (1.0 / 30 - f * (5.0 / 66)))));
}

/*
 * psi(x + k) - psi(x), x > 0, k >= 0, accurate to about 1e-15 relative
 * even when x is large and the difference tiny (the slope of the profile
 * at large concentrations depends on it): a sum of 1 / (x + j) for small
 * k and while x < 10, then log1p and the series' differences.
 */
static double psi_step(double x, int64_t k)
{
	double sum = 0.0;
	for (; k > 0 && (k <= 16 || x < 10.0); k--, x += 1.0)
		sum += 1.0 / x;
	if (k == 0)
		return sum;
	double y = x + (double)k;
	return sum + log1p((double)k / x) + (double)k / (2.0 * x * y) + digamma_tail(y) - digamma_tail(x);
}

/* psi'(x + k) - psi'(x) likewise (<= 0). */
static double trigamma_step(double x, int64_t k)
{
	double sum = 0.0;
	for (; k > 0 && (k <= 16 || x < 10.0); k--, x += 1.0)
		sum -= 1.0 / (x * x);
	if (k == 0)
		return sum;
	double y = x + (double)k, d = (double)k;
	/* 1/y - 1/x + 1/(2y^2) - 1/(2x^2) */
	return sum - d / (x * y) - d * (x + y) / (2.0 * x * x * y * y) + trigamma_tail(y) -
	       trigamma_tail(x);
}

/* The m in [lo, hi] that maximises L(m s, (1 - m) s), starting from M. */
static double best_mean(const struct data *x, double s, double m)
{
	double lo = POOLING_MIN / s, hi = 1.0 - POOLING_MIN / s;
	if (!(m > lo && m < hi))
		m = 0.5;
	for (int iteration = 0; iteration < 200; iteration++) {
		double slope = 0.0, curvature = 0.0;
		double a = m * s, b = (1.0 - m) * s;
		for (int i = 0; i < x->count; i++) {
			int64_t k = x->k[i], f = x->n[i] - x->k[i];
			slope += psi_step(a, k) - psi_step(b, f);
			curvature += trigamma_step(a, k) + trigamma_step(b, f);
		}
		slope *= s;
		curvature *= s * s;
		if (slope > 0)
			lo = m;
		else
			hi = m;
		double next = curvature < 0 ? m - slope / curvature : 0.5 * (lo + hi);
		if (!(next > lo && next < hi))
			next = 0.5 * (lo + hi);
		if (fabs(next - m) < 1e-14 || hi - lo < 1e-15)
			return next;
		m = next;
	}
	return m;
}

/* dL/d(log s) at (m s, (1 - m) s) with m the best mean for s (envelope theorem). */
static double profile_slope(const struct data *x, double s, double m)
{
	double a = m * s, b = (1.0 - m) * s, slope = 0.0;
	for (int i = 0; i < x->count; i++)
		slope += m * psi_step(a, x->k[i]) + (1.0 - m) * psi_step(b, x->n[i] - x->k[i]) -
			 psi_step(s, x->n[i]);
	return s * slope;
}

double pooling_log_likelihood(const int64_t *k, const int64_t *n, int count, double a, double b)
{
	double sum = 0.0;
	for (int i = 0; i < count; i++) {
		if (n[i] == 0)
			continue;
		int64_t f = n[i] - k[i];
		if (k[i])
			sum += special_log_gamma(a + (double)k[i]) - special_log_gamma(a);
		if (f)
			sum += special_log_gamma(b + (double)f) - special_log_gamma(b);
		sum += special_log_gamma(a + b) - special_log_gamma(a + b + (double)n[i]);
	}
	return sum;
}

/* The root of the profile's slope between T0 (slope G0 > 0) and T1 (G1 < 0),
 * by the Illinois method; M is the best mean there, updated. */
static double refine(const struct data *x, double t0, double g0, double t1, double g1, double *m)
{
	int side = 0;
	for (int iteration = 0; iteration < 100 && fabs(t1 - t0) > 1e-12 * (1 + fabs(t0)); iteration++) {
		double t = (t0 * g1 - t1 * g0) / (g1 - g0);
		if (!(t > fmin(t0, t1) && t < fmax(t0, t1)))
			t = 0.5 * (t0 + t1);
		*m = best_mean(x, exp(t), *m);
		double g = profile_slope(x, exp(t), *m);
		if (g == 0.0)
			return t;
		if (g > 0) {
			t0 = t, g0 = g;
			if (side == 1)
				g1 /= 2;
			side = 1;
		} else {
			t1 = t, g1 = g;
			if (side == -1)
				g0 /= 2;
			side = -1;
		}
	}
	return 0.5 * (t0 + t1);
}

void pooling_fit(const int64_t *k, const int64_t *n, int count, double default_a, double default_b,
		 struct pooling_fit *fit)
{
	*fit = (struct pooling_fit){.alpha = default_a, .beta = default_b};
	for (int i = 0; i < count; i++) {
		fit->districts += n[i] > 0;
		fit->successes += k[i];
		fit->trials += n[i];
	}
	if (fit->trials == 0) {
		fit->log_likelihood = 0.0;
		return;
	}
	fit->fitted = 1;
	struct data x = {k, n, count};
	double cap = (double)fit->trials;
	double t_lo = log(S_MIN), t_hi = log(fmax(cap, S_MIN) * BEYOND_CAP);
	double t[GRID], g[GRID], m[GRID];
	double mean = 0.5;
	for (int j = 0; j < GRID; j++) {
		t[j] = t_lo + (t_hi - t_lo) * j / (GRID - 1);
		mean = m[j] = best_mean(&x, exp(t[j]), mean);
		g[j] = profile_slope(&x, exp(t[j]), m[j]);
	}
	/* candidates: the ends, and every local maximum between grid points */
	double best_t = t_lo, best_m = m[0], best = -INFINITY;
	for (int j = 0; j < GRID; j++) {
		double tj, mj = m[j];
		int capped = 0;
		if (j == 0 && g[0] <= 0) {
			tj = t[0];
		} else if (j == GRID - 1 && g[j] >= 0) {
			tj = log(cap); /* no finite maximum: the cap */
			mj = best_mean(&x, cap, mj);
			capped = 1;
		} else if (j < GRID - 1 && g[j] > 0 && g[j + 1] <= 0) {
			tj = g[j + 1] == 0 ? t[j + 1] : refine(&x, t[j], g[j], t[j + 1], g[j + 1], &mj);
			mj = best_mean(&x, exp(tj), mj);
		} else {
			continue;
		}
		double value = pooling_log_likelihood(k, n, count, mj * exp(tj), (1 - mj) * exp(tj));
		if (value > best) {
			best = value, best_t = tj, best_m = mj;
			fit->capped = capped;
		}
	}
	double s = exp(best_t);
	if (fit->capped)
		s = cap;
	fit->alpha = best_m * s;
	fit->beta = (1 - best_m) * s;
	fit->log_likelihood = best;
}
