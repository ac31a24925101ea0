#include "varying.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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

/* The fields the walk and BTRS need. */
static void alone_init(struct varying_binomial *b, double p)
{
	b->p = p;
	b->n_max = binomial_n_max(p);
	b->log_q = NAN; /* the logarithms wait for the first walk (BTRS needs others) */
	b->odds = NAN;
	b->log_p = NAN;
	b->rate_ready = 0;
}

void varying_binomial_init(struct varying_binomial *b, double p)
{
	alone_init(b, p);
	b->grid_n_max = -1;
	b->grid_at = NULL;
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

int64_t varying_binomial_alone(struct varying_binomial *b, struct rng *r, int64_t n)
{
	if (b->n_max == INT64_MIN)
		alone_init(b, b->p); /* a grid's draw past its tables: set up now */
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
	s->grid_at = NULL;
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

int64_t varying_poisson_alone(struct varying_poisson *s, struct rng *r)
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

/* ---- the grid ---------------------------------------------------------- */

#define GRID_ABOVE VARYING_GRID_ABOVE
#define GRID_STEPS VARYING_GRID_STEPS
#define GRID_POINTS VARYING_GRID_POINTS

struct varying_grid {
	struct inversion_tables *tables;
	/* by grid point, set up on first use */
	unsigned char binomial_ready[GRID_POINTS], poisson_ready[GRID_POINTS];
	struct binomial_source binomial[GRID_POINTS];
	struct poisson_source poisson[GRID_POINTS];
};

struct varying_grid *varying_grid_new(struct inversion_tables *tables)
{
	struct varying_grid *grid = calloc(1, sizeof *grid);
	if (grid != NULL)
		grid->tables = tables;
	return grid;
}

void varying_grid_free(struct varying_grid *grid)
{
	free(grid);
}

/* log2(GRID_STEPS) */
#define GRID_STEP_BITS __builtin_ctz(GRID_STEPS)
#define MANTISSA_BITS 52

/*
 * The grid point at or above X > 0, (1 + k / GRID_STEPS) 2^e, into *AT; its
 * index, or -1 below the grid's least octave or at 2^GRID_ABOVE and past.
 * Exact, on X's bits: the grid's points are dyadic numbers, the next above
 * X has X's exponent and its mantissa's top bits rounded up.
 */
static int grid_point(double x, double *at)
{
	uint64_t bits;
	memcpy(&bits, &x, sizeof bits);
	int e = (int)(bits >> MANTISSA_BITS) - 1023;   /* x > 0, normal: the sign bit is 0 */
	uint64_t f = bits & ((UINT64_C(1) << MANTISSA_BITS) - 1);
	int shift = MANTISSA_BITS - GRID_STEP_BITS;
	int k = (int)((f + (UINT64_C(1) << shift) - 1) >> shift);
	if (k == GRID_STEPS) {
		k = 0;
		e++;
	}
	if (e < -VARYING_GRID_OCTAVES || e >= GRID_ABOVE)
		return -1;
	bits = (uint64_t)(e + 1023) << MANTISSA_BITS | (uint64_t)k << shift;
	memcpy(at, &bits, sizeof bits);
	return (e + VARYING_GRID_OCTAVES) * GRID_STEPS + k;
}

int varying_grid_index(double x)
{
	double g;
	return x > 0.0 ? grid_point(x, &g) : -1;
}

/* The marks of probability Q, 0 <= Q < 1: none ever when Q is 0; otherwise
 * the first gap waits for the first draw with trials (GAP 1 a stand-in
 * until then, LOG_STAY 0: a draw of no trials stays inline, one with trials
 * sets up the logarithm and draws the gap). */
static void marks_init(struct varying_marks *m, double q)
{
	m->q = q;
	m->gap = q > 0.0 ? 1 : INT64_MAX;
	m->many = INT64_MAX;
	m->log_stay = 0.0;
}

/* The thinning from grid point G down to RATE <= G: a success stays with
 * RATE / G. */
static void thinning_init(struct varying_marks *m, double rate, double g)
{
	double keep = rate / g;
	marks_init(m, keep < 1.0 ? 1.0 - keep : 0.0); /* exact: keep lies in [1/2, 1] */
}

/* Grid point I's value. */
static double grid_value(int i)
{
	uint64_t bits = (uint64_t)(i / GRID_STEPS - VARYING_GRID_OCTAVES + 1023) << MANTISSA_BITS |
			(uint64_t)(i % GRID_STEPS) << (MANTISSA_BITS - GRID_STEP_BITS);
	double g;
	memcpy(&g, &bits, sizeof g);
	return g;
}

void varying_binomial_init_grid(struct varying_binomial *b, double p, struct varying_grid *grid)
{
	double g;
	int i = grid != NULL && p > 0.0 && p < 1.0 ? grid_point(p, &g) : -1;
	if (i < 0 || g >= 1.0) {
		varying_binomial_init(b, p);
		return;
	}
	/* the walk's and BTRS's fields wait for a draw past the grid's tables */
	b->p = p;
	b->n_max = INT64_MIN;
	b->adds = 0;
	if (i > 0 && g > p) {
		/* the nearer point: below P, draws at it gain successes */
		double below = grid_value(i - 1);
		if (p - below < g - p) {
			i--;
			g = below;
			b->adds = 1;
		}
	}
	if (!grid->binomial_ready[i]) {
		inversion_binomial_init(&grid->binomial[i], g, grid->tables);
		grid->binomial_ready[i] = 1;
	}
	const struct binomial_source *at = &grid->binomial[i];
	b->grid_at = at;
	b->grid_n_max = at->n_max;
	b->by_n = at->cdfs != NULL ? at->cdfs->by_n : NULL;
	b->tabled = at->cdfs != NULL && at->n_max > 0 ? (uint64_t)at->n_max : 0;
	if (b->adds) {
		/* a failure at g succeeds with (p - g) / (1 - g) */
		marks_init(&b->marks, (p - g) / (1.0 - g));
	} else {
		thinning_init(&b->marks, p, g);
	}
}

void varying_poisson_init_grid(struct varying_poisson *s, double mu, struct varying_grid *grid)
{
	varying_poisson_init(s, mu);
	double g;
	int i = grid != NULL && mu > 0.0 ? grid_point(mu, &g) : -1;
	if (i < 0 || g > INVERSION_VARIANCE)
		return;
	if (!grid->poisson_ready[i]) {
		inversion_poisson_init(&grid->poisson[i], g, grid->tables);
		grid->poisson_ready[i] = 1;
	}
	s->grid_at = &grid->poisson[i];
	thinning_init(&s->marks, mu, g);
}

/*
 * A gap, Geometric(q) on 1, 2, ...: G = 1 + floor(E / c) with E Exp(1)
 * and c = -log(1 - q), since G > k exactly when E >= k c, of probability
 * exp(-k c) = (1 - q)^k. E from sample.h's ziggurat: one 64-bit draw and
 * no logarithm nearly always.
 */
static int64_t next_gap(const struct varying_marks *m, const struct sample_exp_ziggurat *z,
		       struct rng *r)
{
	double x = sample_exponential_with(z, r) * m->per_trial;
	return x < 0x1.0p62 ? 1 + (int64_t)x : INT64_MAX;
}

int64_t varying_marks_more(struct varying_marks *m, struct rng *r, int64_t trials)
{
	if (trials <= 0)
		return 0;
	const struct sample_exp_ziggurat *z = sample_exponential_layers();
	if (m->log_stay == 0.0) {
		/* the first draw with trials: the logarithm, the first gap (GAP
		 * was a stand-in) */
		m->log_stay = log1p(-m->q);
		m->per_trial = -1.0 / m->log_stay;
		double many = VARYING_MARKS_MANY / m->q;
		m->many = many < 0x1.0p62 ? (int64_t)many : INT64_MAX;
		m->gap = next_gap(m, z, r);
		if (trials < m->gap) {
			m->gap -= trials;
			return 0;
		}
	}
	/* the first mark at GAP <= TRIALS; the trials after it are Bernoulli(q)
	 * again, whatever came before: walked gap by gap, or past MANY
	 * drawn by sample.h, the next gap then drawn afresh */
	int64_t marks = 1;
	trials -= m->gap;
	if (trials > m->many) {
		marks += sample_binomial(r, trials, m->q);
		m->gap = next_gap(m, z, r);
		return marks;
	}
	m->gap = next_gap(m, z, r);
	while (m->gap <= trials) {
		trials -= m->gap;
		marks++;
		m->gap = next_gap(m, z, r);
	}
	m->gap -= trials;
	return marks;
}
