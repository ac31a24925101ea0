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
	b->tabled = 0; /* every draw is varying_binomial_rare's */
	b->marks.waiting = b->marks.some = 0; /* no marks */
	b->marks.gap = INT64_MAX;
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
#define GRID_STEP_BITS VARYING_GRID_STEP_BITS
#define MANTISSA_BITS 52

/* Bounds of q a side of a grid point keeps: the distance from the point
 * to the rate in GRID_BOUNDS equal parts of its largest, so that a
 * candidate is a mark with 1/2 to 1 of the chance (1 - 1/(2 GRID_BOUNDS)
 * on average for rates spread evenly). */
#define GRID_BOUNDS 8

/* One bound Q of q on one side of a grid point. */
struct grid_bound {
	double per_trial;                     /* -1 / log1p(-Q) */
	double keep_per_delta;                /* 2^53 q / Q, for delta 1 */
	int64_t many;                         /* VARYING_MARKS_MANY / Q */
	double q;                             /* Q */
};

/* The marks of the rates on one side of a grid point g, at a distance
 * delta from it: q = delta Q_PER_DELTA, under the bound of part
 * floor(delta PARTS_PER_DELTA). */
struct grid_side {
	double parts_per_delta;               /* GRID_BOUNDS / the largest delta */
	double q_per_delta;                   /* 1 / g (removed) or 1 / (1 - g) (added) */
};

/* What a binomial's set-up reads of its grid point, in one cache line
 * (the rest, in struct grid_more, once a point). */
struct grid_point {
	double g;                             /* the point's value; 0 until set up */
	int64_t n_max;                        /* its source's */
	_Atomic(struct cdf_table *) *by_n;
	uint64_t tabled;
	struct grid_side sides[2];            /* the rates below g (removed), above (added) */
} __attribute__((aligned(64)));

struct grid_more {
	struct binomial_source binomial;
	struct grid_bound bounds[2][GRID_BOUNDS];
	int poisson_ready;
	struct poisson_source poisson;
	struct grid_side thinned;             /* the Poisson's means below g */
	struct grid_bound thinned_bounds[GRID_BOUNDS];
};

struct varying_grid {
	struct grid_point *points;            /* [GRID_POINTS], set up on first use */
	struct grid_more *more;               /* [GRID_POINTS] */
	struct inversion_tables *tables;
	const struct sample_exp_ziggurat *layers;
};

struct varying_grid *varying_grid_new(struct inversion_tables *tables)
{
	struct varying_grid *grid = calloc(1, sizeof *grid);
	if (grid != NULL) {
		grid->points = aligned_alloc(64, GRID_POINTS * sizeof *grid->points);
		grid->more = calloc(GRID_POINTS, sizeof *grid->more);
		if (grid->points == NULL || grid->more == NULL) {
			varying_grid_free(grid);
			return NULL;
		}
		memset(grid->points, 0, GRID_POINTS * sizeof *grid->points);
		grid->tables = tables;
		grid->layers = sample_exponential_layers();
	}
	return grid;
}

void varying_grid_free(struct varying_grid *grid)
{
	if (grid == NULL)
		return;
	free(grid->points);
	free(grid->more);
	free(grid);
}

/* Grid point I's value (I may be one past either end). */
static double grid_value(int i)
{
	int octave = i >= 0 ? i / GRID_STEPS : -1, k = i - octave * GRID_STEPS;
	uint64_t bits = (uint64_t)(octave - VARYING_GRID_OCTAVES + 1023) << MANTISSA_BITS |
			(uint64_t)k << (MANTISSA_BITS - GRID_STEP_BITS);
	double g;
	memcpy(&g, &bits, sizeof g);
	return g;
}

/* The index of the grid point at or above X > 0 (a Poisson mean's: thinned
 * from above), -1 off the grid: X's mantissa rounded up to its top
 * GRID_STEP_BITS bits. */
static int grid_index_above(double x)
{
	uint64_t bits;
	memcpy(&bits, &x, sizeof bits);
	int shift = MANTISSA_BITS - GRID_STEP_BITS;
	int64_t i = (int64_t)((bits + (UINT64_C(1) << shift) - 1) >> shift) -
		    (int64_t)(1023 - VARYING_GRID_OCTAVES) * GRID_STEPS;
	return i >= 0 && i < GRID_POINTS ? (int)i : -1;
}

/* The bounds of q = delta / SCALE for 0 < delta <= LARGEST into SIDE,
 * kept in BOUNDS. */
static void side_init(struct grid_side *side, struct grid_bound *bounds, double largest,
		      double scale)
{
	side->parts_per_delta = GRID_BOUNDS / largest;
	side->q_per_delta = 1.0 / scale;
	for (int j = 0; j < GRID_BOUNDS; j++) {
		/* a little above the part's largest q: rounding in the rate's q
		 * and part never takes q past it (any bound at or above q is exact) */
		double bound = largest * (j + 1) / GRID_BOUNDS / scale * (1.0 + 0x1.0p-30);
		if (bound > 1.0)
			bound = 1.0;
		bounds[j].q = bound;
		bounds[j].per_trial = bound < 1.0 ? -1.0 / log1p(-bound) : 0.0;
		bounds[j].keep_per_delta = 0x1.0p53 / (scale * bound);
		double many = VARYING_MARKS_MANY / bound;
		bounds[j].many = many < 0x1.0p62 ? (int64_t)many : INT64_MAX;
	}
}

/* The marks of a rate at DELTA >= 0 from a grid point on SIDE: none ever
 * when DELTA is 0; otherwise the first gap waits for the first draw with
 * trials (GAP 1 a stand-in until then). */
static inline void marks_init(struct varying_marks *m, const struct grid_side *side,
			      const struct grid_bound *bounds, double delta,
			      const struct sample_exp_ziggurat *layers)
{
	m->layers = layers;
	m->waiting = m->some = 1;
	m->gap = 1;
	m->q = delta * side->q_per_delta;
	int j = (int)(delta * side->parts_per_delta);
	const struct grid_bound *bound = &bounds[j < GRID_BOUNDS ? j : GRID_BOUNDS - 1];
	m->per_trial = bound->per_trial;
	m->many = bound->many;
	/* q / Q rounded up to a multiple of 2^-53 (at most 1) */
	double keep = delta * bound->keep_per_delta;
	m->keep = keep < 0x1.0p53 ? (uint64_t)(int64_t)keep + 1 : UINT64_C(1) << 53;
	if (!(delta > 0.0)) {
		m->gap = INT64_MAX;
		m->waiting = m->some = 0;
	}
}

/* Grid point I's binomial tables and bounds (0 < its value < 1). */
static void binomial_point_init(struct varying_grid *grid, int i)
{
	struct grid_point *point = &grid->points[i];
	struct grid_more *more = &grid->more[i];
	double g = grid_value(i);
	inversion_binomial_init(&more->binomial, g, grid->tables);
	point->n_max = more->binomial.n_max;
	point->by_n = more->binomial.cdfs != NULL ? more->binomial.cdfs->by_n : NULL;
	point->tabled = more->binomial.cdfs != NULL && more->binomial.n_max > 0
				? (uint64_t)more->binomial.n_max
				: 0;
	/* rates are drawn at the nearest point: at most half a step away */
	side_init(&point->sides[0], more->bounds[0], (g - grid_value(i - 1)) / 2.0, g);
	side_init(&point->sides[1], more->bounds[1], (grid_value(i + 1) - g) / 2.0, 1.0 - g);
	point->g = g;
}

void varying_binomial_init_grid(struct varying_binomial *b, double p, struct varying_grid *grid)
{
	int i = grid != NULL ? varying_grid_index(p) : -1;
	const struct grid_point *point = i >= 0 ? &grid->points[i] : NULL;
	if (point == NULL || (point->g == 0.0 && (!(p < 1.0) || grid_value(i) >= 1.0))) {
		varying_binomial_init(b, p);
		return;
	}
	if (point->g == 0.0)
		binomial_point_init(grid, i);
	/* the walk's and BTRS's fields wait for a draw past the grid's tables */
	b->p = p;
	b->n_max = INT64_MIN;
	b->grid_at = &grid->more[i].binomial;
	b->grid_n_max = point->n_max;
	b->by_n = point->by_n;
	b->tabled = point->tabled;
	/* exact: p and g lie within a factor of 2 */
	double delta = p - point->g;
	b->adds = delta > 0.0;
	marks_init(&b->marks, &point->sides[b->adds], grid->more[i].bounds[b->adds], fabs(delta),
		   grid->layers);
}

void varying_poisson_init_grid(struct varying_poisson *s, double mu, struct varying_grid *grid)
{
	varying_poisson_init(s, mu);
	int i = grid != NULL && mu > 0.0 ? grid_index_above(mu) : -1;
	if (i < 0)
		return;
	double g = grid_value(i);
	if (g > INVERSION_VARIANCE)
		return;
	struct grid_more *more = &grid->more[i];
	if (!more->poisson_ready) {
		inversion_poisson_init(&more->poisson, g, grid->tables);
		side_init(&more->thinned, more->thinned_bounds, g - grid_value(i - 1), g);
		more->poisson_ready = 1;
	}
	s->grid_at = &more->poisson;
	marks_init(&s->marks, &more->thinned, more->thinned_bounds, g - mu, grid->layers);
}

int64_t varying_marks_met(struct varying_marks *m, struct rng *r, int64_t trials)
{
	if (m->waiting) {
		/* the first draw with trials: the first gap (GAP was a stand-in) */
		m->waiting = 0;
		m->gap = varying_marks_gap(m, r);
		if (trials < m->gap) {
			m->gap -= trials;
			return 0;
		}
	}
	int64_t marks = 0;
	for (;;) {
		/* a candidate at GAP <= TRIALS; the trials after it are
		 * Bernoulli(Q) again, whatever came before */
		trials -= m->gap;
		marks += (rng_next(r) >> 11) < m->keep;
		if (__builtin_expect(trials > m->many, 0))
			return marks + varying_marks_many(m, r, trials);
		m->gap = varying_marks_gap(m, r);
		if (trials < m->gap) {
			m->gap -= trials;
			return marks;
		}
	}
}

int64_t varying_table_building(const struct varying_binomial *b, struct rng *r, int64_t n)
{
	return inversion_binomial_draw_building(b->grid_at, r, n);
}

int64_t varying_binomial_rare(struct varying_binomial *b, struct rng *r, int64_t n)
{
	if (n > b->grid_n_max)
		return varying_binomial_alone(b, r, n);
	/* through the grid without kept tables (built draw by draw) */
	int64_t lo = n & (VARYING_SPLIT - 1), hi = n - lo, y = 0;
	if (hi != 0)
		y = inversion_binomial_draw_building(b->grid_at, r, hi);
	if (lo != 0)
		y += inversion_binomial_draw_building(b->grid_at, r, lo);
	int64_t marks = varying_marks_among(&b->marks, r, b->adds ? n - y : y);
	return b->adds ? y + marks : y - marks;
}

int64_t varying_marks_many(struct varying_marks *m, struct rng *r, int64_t trials)
{
	int64_t marks = sample_binomial(r, trials, m->q);
	m->gap = varying_marks_gap(m, r);
	return marks;
}
