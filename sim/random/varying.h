/*
 * varying: the weekly binomials and Poissons at a rate that holds for one
 * replication only (an uncertain rectification rate, rebound or arrival
 * mean drawn from a continuous distribution; docs/model.md, uncertain
 * inputs), drawn exactly.
 *
 * inversion.h keeps, for each rate a run meets, tables of cumulative
 * probabilities searched by a guide: fast when the rates are few and met
 * again and again. A rate drawn anew in every replication is met by one
 * replication's dozen weeks and never again: building its tables costs
 * more than they save, and registering it would fill the run's table
 * budget with tables used once.
 *
 * The grid (varying_*_init_grid, what a campaign's block of replications
 * draws with). Every rate is drawn at the nearest point g of one grid
 * shared by every cell and replication, g = (1 + k / VARYING_GRID_STEPS)
 * 2^e (dyadic: the rate's mantissa rounded to its top bits, exactly; a
 * Poisson mean's point is the one at or above it), whose tables are met
 * again and again and kept in the run's registry, then corrected exactly:
 *
 * - from a point above p, each of the y successes of Binomial(n, g) is kept
 *   with probability p / g: binomial thinning, Binomial(Binomial(n, g), p/g)
 *   is Binomial(n, p); the removals are Binomial(y, 1 - p/g);
 * - from a point below, each of the n - y failures succeeds with
 *   (p - g) / (1 - g): Binomial(n - y, (p - g) / (1 - g)) successes added;
 * - a Poisson mean is thinned from the point above: Poisson(g) thinned by
 *   mu / g is Poisson(mu).
 *
 * Binomial(n, g) is drawn as Binomial(n - n mod VARYING_SPLIT, g) plus
 * Binomial(n mod VARYING_SPLIT, g), so that some 75 tables a grid point
 * serve every n (tables for every n would not stay in the cache). The
 * correction marks each of the draw's trials (a success to remove, a
 * failure to add) with its probability q; the marks of all the draws at
 * one rate in turn (a replication's weeks) are one Bernoulli process
 * (struct varying_marks): the gap to the next candidate is carried from
 * draw to draw, so that a draw with fewer trials has no mark, one
 * comparison, no uniform. A candidate comes with a bound Q >= q the grid
 * point keeps (one of GRID_BOUNDS, varying.c) and is a mark with q / Q:
 * nothing a rate and replication needs a logarithm. The marks a draw
 * meets grow with the distance from its rate to the grid point: 32 points
 * an octave take half the candidates of 16 (the demo's 20 uncertain rates:
 * some 180 calls of varying_marks_met a replication at 16, 10k
 * instructions of the replication's 400k at 32), and the uncertain demo
 * ran 4 to 8 % faster; 64 were no faster (more tables to keep in the
 * cache). A gap is drawn from an Exp(1) (sample.h's ziggurat).
 * A campaign runs a block's varying cells visit by visit (a district's
 * cells in one replication) in the order of their rates' grid points,
 * whatever the district (campaign.c), so that a grid point's tables stay
 * in the cache.
 * Which tables were kept changes a draw's speed, never its value.
 *
 * Without the grid (varying_*_init; a hooked replication's draws, rates
 * below the grid, n or means past the tables), each value is drawn in one
 * of two exact ways, no tables:
 *
 * - below a mean of VARYING_WALK_MEAN, with the tables' own arithmetic,
 *   lazily: the cumulative sum from the table's first entry, four entries
 *   a branch, stopped at the first that reaches the uniform. The value is
 *   the one inversion_binomial_draw or inversion_poisson_draw gives for the same
 *   (n, p) or mean and the same stream, to the last bit, and the stream
 *   advances alike (past the tables, n p (1 - p) > 100, both use BTRS);
 * - from that mean on, by sample.h's transformed rejection (BTRS, PTRS),
 *   whose cost does not grow with the mean: exact too, but not the
 *   tables' values.
 *
 * A rate that takes few values (a certain one, or a discrete input's)
 * belongs in the tables; only rates drawn from a continuous distribution
 * belong here. bench/bench_varying.c measures the ways against each other;
 * tests/test_varying.c checks the grid's draws against the exact pmf.
 */
#ifndef CCSIM_VARYING_H
#define CCSIM_VARYING_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "inversion.h"
#include "rng.h"
#include "sample.h"

/* The mean from which a draw is made by sample.h's transformed rejection
 * (BTRS, PTRS) instead of the tables' walk. */
#ifndef VARYING_WALK_MEAN
#define VARYING_WALK_MEAN 16.0
#endif

/* Grid points an octave: a power of two. */
#ifndef VARYING_GRID_STEPS
#define VARYING_GRID_STEPS 32
#endif
/* A binomial's n is split into a multiple of VARYING_SPLIT and the rest. */
#ifndef VARYING_SPLIT
#define VARYING_SPLIT 64
#endif
/* The grid's least octave, [2^-VARYING_GRID_OCTAVES, 2^(1 - VARYING_GRID_OCTAVES)):
 * a rate or mean below is drawn without the grid. */
#define VARYING_GRID_OCTAVES 24
/* Octaves of means above 1: up to 2^VARYING_GRID_ABOVE, past the tables. */
#define VARYING_GRID_ABOVE 7
/* Grid points. */
#define VARYING_GRID_POINTS ((VARYING_GRID_OCTAVES + VARYING_GRID_ABOVE) * VARYING_GRID_STEPS)

/* The shared grid of rates and means: one a campaign (a thread), its
 * tables the run's. */
struct varying_grid;

/* TABLES may be NULL (every grid draw builds its table: the same values,
 * slower); NULL when out of memory. */
struct varying_grid *varying_grid_new(struct inversion_tables *tables);
void varying_grid_free(struct varying_grid *grid);

/* log2(VARYING_GRID_STEPS) */
#define VARYING_GRID_STEP_BITS __builtin_ctz(VARYING_GRID_STEPS)

/*
 * The index of the grid point a binomial at rate X draws from, the nearest
 * (-1 off the grid: X <= 0, below the least octave, at 2^VARYING_GRID_ABOVE
 * and past): draws at rates of one index share their tables, and run best
 * one after another. Exact, on X's bits: the points of X's octave are
 * equally spaced, so the nearest is X's mantissa rounded to its top
 * VARYING_GRID_STEP_BITS bits (half up: the octave's last half step rounds
 * to the next power of two).
 */
static inline int varying_grid_index(double x)
{
	uint64_t bits;
	__builtin_memcpy(&bits, &x, sizeof bits);
	if (!(x > 0.0))
		return -1;
	int shift = 52 - VARYING_GRID_STEP_BITS;
	/* the carry out of the mantissa moves the exponent up: the index follows */
	int64_t i = (int64_t)((bits + (UINT64_C(1) << (shift - 1))) >> shift) -
		    (int64_t)(1023 - VARYING_GRID_OCTAVES) * VARYING_GRID_STEPS;
	return i >= 0 && i < VARYING_GRID_POINTS ? (int)i : -1;
}

/*
 * The corrections of one rate's draws through a grid point: each trial of
 * the draws at the grid point (a success, removed, or a failure, made a
 * success) is marked with probability q, independently, as a candidate
 * marked with the grid point's Q >= q (one of a few bounds of q, set up
 * with the grid point) kept with probability q / Q. The candidates come
 * as a Bernoulli process over the trials of every draw at this rate in
 * turn (a replication's weeks): GAP is the trials up to and including the
 * next candidate, Geometric(Q), carried from draw to draw, so that a draw
 * with fewer trials has no mark and takes GAP down, no uniform drawn. The
 * trials of a draw are fixed before its marks are looked at (they come
 * from the draw's table search, n from the draws before), so its marks are
 * Binomial(trials, q) whatever came before: the Bernoulli process has no
 * memory. A gap is 1 + floor(E PER_TRIAL) for E Exp(1) from sample.h's
 * ziggurat (PER_TRIAL = -1 / log(1 - Q), the grid point's): no logarithm
 * a rate and replication, one 64-bit draw a gap nearly always.
 */
struct varying_marks {
	int64_t gap;           /* INT64_MAX when q is 0: no mark */
	int64_t many;          /* trials after a candidate past which the marks are drawn by sample.h */
	double per_trial;      /* -1 / log1p(-Q) */
	uint64_t keep;         /* a candidate is a mark when 53 random bits are below: q / Q in 2^-53 */
	double q;              /* a trial's chance to be marked */
	int waiting;           /* the first gap not drawn yet (GAP is 1 meanwhile, a stand-in) */
	int some;              /* q > 0: marks to come (a first gap to draw) */
	const struct sample_exp_ziggurat *layers;
};

/* Binomial(n, p) at one p and varying n: through the grid, or without
 * tables. What a draw through the grid's tables reads comes first. */
struct varying_binomial {
	_Atomic(struct cdf_table *) *by_n;      /* the grid point's kept tables by n */
	uint64_t tabled;       /* n in [1, tabled] drawn inline from BY_N (0: never; n past it,
				* or no tables: varying_binomial_rare) */
	struct varying_marks marks; /* successes marked are removed (adds: failures added) */
	int adds;              /* the grid point is below p: failures marked become successes */
	/* through the grid, for n up to GRID_N_MAX (-1: the walk or BTRS above): */
	int64_t grid_n_max;
	const struct binomial_source *grid_at;  /* the grid point's source */
	double p;
	/* worked out when a draw first needs them (NAN until): */
	double log_q;          /* log1p(-p) */
	double log_p;          /* log(p) */
	double odds;           /* p / (1 - p) */
	int64_t n_max;         /* inversion up to here, as inversion.h's tables (-1: p is 0 or 1;
				* INT64_MIN: not set up yet, the draws through the grid need none
				* of the fields above but P) */
	int rate_ready;        /* RATE set up (the draws past n_max need it) */
	struct binomial_rate rate;
};

/* Without the grid: the walk, or BTRS (what a hooked replication draws with). */
void varying_binomial_init(struct varying_binomial *b, double p);
/* Through GRID's tables, thinned (GRID may be NULL: as varying_binomial_init). */
void varying_binomial_init_grid(struct varying_binomial *b, double p, struct varying_grid *grid);
/* B's marks as B's set-up left them, whatever B drew since: B then draws
 * as B set up anew at its rate, without the grid's look-ups (a caller
 * drawing at one rate in many cells, one after another, keeps one set-up
 * and rewinds it for each). */
static inline void varying_binomial_rewind(struct varying_binomial *b);
/* Draws the first gap of B's marks now, from R (else the first draw with
 * trials draws it): a caller about to draw at B can take it inline. */
static inline void varying_binomial_start(struct varying_binomial *b, struct rng *r);
static inline int64_t varying_binomial_draw(struct varying_binomial *b, struct rng *r,
					    int64_t n);

/* Poisson(mu) at one mean, without tables. */
struct varying_poisson {
	double mu;
	double first;          /* the probability of the table's first entry (0 for mu past the tables) */
	int64_t lo, width;     /* the table's span */
	int rate_ready;        /* RATE set up (mu past the tables) */
	struct poisson_rate rate;
	const struct poisson_source *grid_at;   /* through the grid (NULL: not) */
	struct varying_marks marks;            /* arrivals marked are removed */
};

void varying_poisson_init(struct varying_poisson *s, double mu);
void varying_poisson_init_grid(struct varying_poisson *s, double mu, struct varying_grid *grid);
static inline int64_t varying_poisson_draw(struct varying_poisson *s, struct rng *r);

/* ---- the draws, inline; what they call out of line -------------------- */

/* The candidates' mean from which the marks after a draw's first candidate
 * are drawn by sample.h (one gap a candidate otherwise; never met by the
 * demo's rates). */
#define VARYING_MARKS_MANY 16.0

int64_t varying_binomial_alone(struct varying_binomial *b, struct rng *r, int64_t n);
/* A draw past the inline one: n past the tables, no tables, or off the grid. */
int64_t varying_binomial_rare(struct varying_binomial *b, struct rng *r, int64_t n);
/* Binomial(N, g) from the grid point's source when its table is not kept yet. */
int64_t varying_table_building(const struct varying_binomial *b, struct rng *r, int64_t n);
/* The marks among TRIALS >= GAP trials (varying_marks_among past its first comparison). */
int64_t varying_marks_met(struct varying_marks *m, struct rng *r, int64_t trials);
int64_t varying_poisson_alone(struct varying_poisson *s, struct rng *r);
/* The marks among TRIALS trials after a candidate, when more than many. */
int64_t varying_marks_many(struct varying_marks *m, struct rng *r, int64_t trials);

/* A gap to the next candidate, Geometric(Q) on 1, 2, ...: G = 1 + floor(E /
 * c) with E Exp(1) and c = -log(1 - Q), since G > k exactly when E >= k c,
 * of probability exp(-k c) = (1 - Q)^k. */
__attribute__((always_inline)) static inline int64_t varying_marks_gap(const struct varying_marks *m,
									struct rng *r)
{
	const struct sample_exp_ziggurat *z = m->layers;
	uint64_t bits = rng_next(r);
	int i = (int)(bits & (SAMPLE_EXP_ZIGGURAT_LAYERS - 1));
	double u = (double)(bits >> 11) * 0x1.0p-53;
	double e;
	if (__builtin_expect(u < z->ratio[i], 1)) {
		e = u * z->x[i];
	} else {
		struct rng kept = *r;
		e = sample_exponential_outside(z, &kept, i, u);
		*r = kept;
	}
	double x = e * m->per_trial;
	return x < 0x1.0p62 ? 1 + (int64_t)x : INT64_MAX;
}

/* The marks among the next TRIALS trials: nearly always none, one
 * comparison; else the candidates among them, each kept with q / Q
 * (varying_marks_met, out of line). */
__attribute__((always_inline)) static inline int64_t varying_marks_among(struct varying_marks *m,
									  struct rng *r, int64_t trials)
{
	if (__builtin_expect(trials < m->gap, 1)) {
		m->gap -= trials;
		return 0;
	}
	struct rng kept = *r;
	int64_t marks = varying_marks_met(m, &kept, trials);
	*r = kept;
	return marks;
}

static inline void varying_binomial_rewind(struct varying_binomial *b)
{
	/* as marks_init (varying.c) left them; the fields a draw worked out
	 * when it needed them hold for the same rate */
	b->marks.waiting = b->marks.some;
	b->marks.gap = b->marks.some ? 1 : INT64_MAX;
}

static inline void varying_binomial_start(struct varying_binomial *b, struct rng *r)
{
	if (b->marks.waiting) {
		b->marks.waiting = 0;
		b->marks.gap = varying_marks_gap(&b->marks, r);
	}
}

/* Binomial(N, g) from B's grid point, 1 <= N <= B->tabled (R's state kept
 * in registers: only a copy is seen out of line). */
__attribute__((always_inline)) static inline int64_t
varying_table_draw(const struct varying_binomial *b, struct rng *r, int64_t n)
{
	const struct cdf_table *t = atomic_load_explicit(&b->by_n[n], memory_order_acquire);
	if (__builtin_expect(t != NULL, 1))
		return inversion_cdf_draw(t, r);
	struct rng kept = *r;
	int64_t x = varying_table_building(b, &kept, n);
	*r = kept;
	return x;
}

/* varying_binomial_draw with B->adds as ADDS, which a caller may know
 * (a constant: the draw then tests nothing for it). */
__attribute__((always_inline)) static inline int64_t
varying_binomial_draw_as(struct varying_binomial *b, struct rng *r, int64_t n, int adds)
{
	/* n in [1, tabled] in one comparison */
	if (__builtin_expect((uint64_t)n - 1 >= b->tabled, 0)) {
		if (n <= 0)
			return 0;
		struct rng kept = *r;
		int64_t x = varying_binomial_rare(b, &kept, n);
		*r = kept;
		return x;
	}
	/* Binomial(n, g) as the sum of Binomial(hi, g) and Binomial(lo, g) */
	int64_t lo = n & (VARYING_SPLIT - 1), hi = n - lo, y = 0;
	if (hi != 0)
		y = varying_table_draw(b, r, hi);
	if (__builtin_expect(lo != 0, 1))
		y += varying_table_draw(b, r, lo);
	/* the failures marked become successes (adds), or the successes
	 * marked failures: nearly always none, one comparison */
	int64_t trials = adds ? n - y : y;
	if (__builtin_expect(trials < b->marks.gap, 1)) {
		b->marks.gap -= trials;
		return y;
	}
	struct rng kept = *r;
	int64_t marks = varying_marks_met(&b->marks, &kept, trials);
	*r = kept;
	return adds ? y + marks : y - marks;
}

__attribute__((always_inline)) static inline int64_t
varying_binomial_draw(struct varying_binomial *b, struct rng *r, int64_t n)
{
	return varying_binomial_draw_as(b, r, n, b->adds);
}

__attribute__((always_inline)) static inline int64_t
varying_poisson_draw(struct varying_poisson *s, struct rng *r)
{
	if (s->grid_at == NULL) {
		struct rng kept = *r;
		int64_t x = varying_poisson_alone(s, &kept);
		*r = kept;
		return x;
	}
	int64_t y;
	if (__builtin_expect(s->grid_at->table != NULL, 1)) {
		y = inversion_cdf_draw(s->grid_at->table, r);
	} else {
		struct rng kept = *r;
		y = inversion_poisson_draw_untabled(s->grid_at, &kept);
		*r = kept;
	}
	return y - varying_marks_among(&s->marks, r, y);
}

#endif
