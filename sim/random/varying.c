#include "varying.h"

#include <math.h>

/*
 * Every expression below is the one inversion.c fills its tables with,
 * written in the same order, so that the running sum equals the table's
 * entry bit for bit. Two shortcuts are exact: with the table's first
 * entry at 0, log(0!) - log(0!) ... reduces to n log(1 - p) (or -mu):
 * A - 0 - A is +0, and +0 + 0 log(p) + E is E.
 */

/* The n up to which Binomial(n, p) is drawn by inversion (inversion.c's
 * floor, as a truncation: the quotient is positive). */
static int64_t binomial_n_max(double p)
{
	if (p <= 0.0 || p >= 1.0)
		return -1;
	double most = INVERSION_VARIANCE / (p * (1.0 - p));
	return most < INVERSION_N ? (int64_t)most : INVERSION_N;
}

void varying_binomial_init(struct varying_binomial *b, double p)
{
	b->p = p;
	b->n_max = binomial_n_max(p);
	b->log_q = NAN; /* the logarithms wait for the first walk (BTRS needs others) */
	b->odds = NAN;
	b->log_p = NAN;
	b->rate_ready = 0;
}

/* ceil(x) for 0 < x < 2^62, without libm's call. */
static double ceil_positive(double x)
{
	double c = (double)(int64_t)x;
	return c < x ? c + 1.0 : c;
}

/* The table's last entry for (n, p) or a mean: min(ceil(mean + 10 sd + 20), n). */
static int64_t span_last(double mean, double sd, int64_t n)
{
	double hi_f = ceil_positive(mean + 10.0 * sd + 20.0);
	return hi_f < (double)n ? (int64_t)hi_f : n;
}

int64_t varying_binomial_draw(struct varying_binomial *b, struct rng *r, int64_t n)
{
	if (n > b->n_max || (double)n * b->p >= VARYING_WALK_MEAN) {
		if (!b->rate_ready) {
			sample_binomial_rate_init(&b->rate, b->p);
			b->rate_ready = 1;
		}
		return sample_binomial_at(r, n, &b->rate);
	}
	if (n <= 0)
		return 0;
	double p = b->p, mean = (double)n * p;
	/*
	 * The table's span is mean -+ (10 sd + 20) within [0, n]. Its first
	 * entry is 0 whenever mean <= 20; its last lies past mean + 20, so the
	 * square root waits until a walk gets that far (or the first entry is
	 * past 0): most draws never need it.
	 */
	int64_t lo = 0, last = -1;
	double first;
	if (mean > 20.0) {
		double sd = sqrt(mean * (1.0 - p));
		double lo_f = mean - 10.0 * sd - 20.0;  /* floor: truncation, when positive */
		lo = lo_f > 0.0 ? (int64_t)lo_f : 0;
		last = span_last(mean, sd, n);
	}
	if (isnan(b->log_q)) {
		b->log_q = log1p(-p);
		b->odds = p / (1.0 - p);
	}
	if (lo == 0) {
		first = exp((double)n * b->log_q);
	} else {
		if (isnan(b->log_p))
			b->log_p = log(p);
		first = exp(sample_log_factorial(n) - sample_log_factorial(lo) - sample_log_factorial(n - lo) +
			    (double)lo * b->log_p + (double)(n - lo) * b->log_q);
	}
	double odds = b->odds, cheap = mean + 20.0;
	/* every value up to SAFE lies in the span, whatever its last entry */
	int64_t safe = (int64_t)cheap < n ? (int64_t)cheap : n;
	for (;;) {
		double u = (double)(rng_next(r) >> 11) * 0x1.0p-53;
		double px = first, sum = 0.0;
		int64_t k = lo;
		/* four entries at a time, one branch for the four (the sums never
		 * decrease: the first to reach u is counted, not searched) */
		while (k + 3 <= safe) {
			/* n - k and k + 1 as doubles: exact, so (top - 1) is (double)(n - k - 1) */
			double top = (double)(n - k), bottom = (double)(k + 1);
			double s0 = sum + px;
			double p1 = px * (top * odds / bottom);
			double s1 = s0 + p1;
			double p2 = p1 * ((top - 1.0) * odds / (bottom + 1.0));
			double s2 = s1 + p2;
			double p3 = p2 * ((top - 2.0) * odds / (bottom + 2.0));
			double s3 = s2 + p3;
			if (!(s3 < u))
				return k + (s0 < u) + (s1 < u) + (s2 < u);
			px = p3 * ((top - 3.0) * odds / (bottom + 3.0));
			sum = s3;
			k += 4;
		}
		for (;; k++) {
			sum += px;
			if (!(sum < u))
				return k;
			if (k == n)
				break;
			if ((double)(k + 1) > cheap) {
				if (last < 0)
					last = span_last(mean, sqrt(mean * (1.0 - p)), n);
				if (k + 1 > last)
					break;
			}
			px *= (double)(n - k) * odds / (double)(k + 1);
		}
		/* u fell in the tail beyond the table (or rounding's last 1e-16): again */
	}
}

void varying_poisson_init(struct varying_poisson *s, double mu)
{
	s->mu = mu;
	s->rate_ready = 0;
	s->first = 0.0;
	s->lo = s->width = 0;
	if (!(mu > 0.0 && mu <= INVERSION_VARIANCE))
		return;
	double sd = sqrt(mu);
	double lo_f = mu - 10.0 * sd - 20.0;
	s->lo = lo_f > 0.0 ? (int64_t)lo_f : 0;
	s->width = span_last(mu, sd, INT64_MAX) - s->lo + 1;
	s->first = s->lo == 0 ? exp(-mu)
			      : exp(-mu + (double)s->lo * log(mu) - sample_log_factorial(s->lo));
}

int64_t varying_poisson_draw(struct varying_poisson *s, struct rng *r)
{
	if (s->width == 0 || s->mu >= VARYING_WALK_MEAN) { /* PTRS, or inversion when mu is 0 */
		if (!s->rate_ready) {
			sample_poisson_rate_init(&s->rate, s->mu);
			s->rate_ready = 1;
		}
		return sample_poisson_at(r, &s->rate);
	}
	double mu = s->mu;
	for (;;) {
		double u = (double)(rng_next(r) >> 11) * 0x1.0p-53;
		double px = s->first, sum = 0.0;
		for (int64_t i = 0; i < s->width; i++) {
			sum += px;
			if (!(sum < u))
				return s->lo + i;
			px *= mu / (double)(s->lo + i + 1);
		}
	}
}
