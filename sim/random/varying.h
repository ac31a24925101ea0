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
 * 2^e (dyadic: found from the rate's bits, exactly), whose tables are met
 * again and again and kept in the run's registry (0.85 MB for the demo's 20
 * uncertain rates), then corrected exactly:
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
 * serve every n (tables for every n would not stay in the cache). With 8
 * points an octave the correction's mean is about n |p - g|, under one at
 * the demo's largest cells: it is nearly always none, decided by one
 * uniform below a polynomial lower bound of P(0) (varying_removals);
 * otherwise inversion finishes from 0 with the same uniform, and a mean
 * past VARYING_THINNING_WALK_MEAN is drawn by sample.h. Which tables were
 * kept changes a draw's speed, never its value.
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

#include <stdint.h>

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
#define VARYING_GRID_STEPS 8
#endif
/* A binomial's n is split into a multiple of VARYING_SPLIT and the rest. */
#ifndef VARYING_SPLIT
#define VARYING_SPLIT 64
#endif
/* The grid's least octave, [2^-VARYING_GRID_OCTAVES, 2^(1 - VARYING_GRID_OCTAVES)):
 * a rate or mean below is drawn without the grid. */
#define VARYING_GRID_OCTAVES 24

/* The shared grid of rates and means: one a campaign (a thread), its
 * tables the run's. */
struct varying_grid;

/* TABLES may be NULL (every grid draw builds its table: the same values,
 * slower); NULL when out of memory. */
struct varying_grid *varying_grid_new(struct inversion_tables *tables);
void varying_grid_free(struct varying_grid *grid);
/* The index of the grid point at or above X (a rate or a mean; -1 off the
 * grid): draws at rates of one index share their tables, and run best one
 * after another. */
int varying_grid_index(double x);

/* The removals Binomial(y, 1 - rate / g) that bring a draw at grid point g
 * down to the rate. */
struct varying_thinning {
	double remove;         /* 1 - rate / g: a success's chance to be removed (0: none) */
	double odds;           /* remove / (1 - remove) */
	double log_keep;       /* log1p(-remove), when the exact walk first needs it (NAN until) */
	double least_rate, most_rate; /* bounds of -log(1 - remove) */
};

/* Binomial(n, p) at one p and varying n, without tables. */
struct varying_binomial {
	double p;
	/* worked out when a draw first needs them (NAN until): */
	double log_q;          /* log1p(-p) */
	double log_p;          /* log(p) */
	double odds;           /* p / (1 - p) */
	int64_t n_max;         /* inversion up to here, as inversion.h's tables (-1: p is 0 or 1) */
	int rate_ready;        /* RATE set up (the draws past n_max need it) */
	struct binomial_rate rate;
	/* through the grid (NULL: the walk or BTRS above): */
	const struct binomial_source *grid_at;
	int adds;              /* the grid point is below p: successes are added, not removed */
	struct varying_thinning thin;
};

/* Without the grid: the walk, or BTRS (what a hooked replication draws with). */
void varying_binomial_init(struct varying_binomial *b, double p);
/* Through GRID's tables, thinned (GRID may be NULL: as varying_binomial_init). */
void varying_binomial_init_grid(struct varying_binomial *b, double p, struct varying_grid *grid);
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
	struct varying_thinning thin;
};

void varying_poisson_init(struct varying_poisson *s, double mu);
void varying_poisson_init_grid(struct varying_poisson *s, double mu, struct varying_grid *grid);
static inline int64_t varying_poisson_draw(struct varying_poisson *s, struct rng *r);

/* ---- the draws, inline; what they call out of line -------------------- */

/* The removals' mean from which they are drawn by sample.h (a walk's cost
 * grows with it; never met below the tables' variance with a fine grid). */
#define VARYING_THINNING_WALK_MEAN 16.0

int64_t varying_binomial_alone(struct varying_binomial *b, struct rng *r, int64_t n);
int64_t varying_poisson_alone(struct varying_poisson *s, struct rng *r);
/* Binomial(Y, remove) by inversion from 0 with the uniform U (the tail
 * rounding leaves past Y stops at Y). */
int64_t varying_removals_walk(struct varying_thinning *t, double u, int64_t y);
/* Binomial(Y, remove) by sample.h. */
int64_t varying_removals_many(const struct varying_thinning *t, struct rng *r, int64_t y);

/*
 * Binomial(Y, remove). Nearly always none: P(0) = (1 - remove)^Y is at
 * least exp(-z), z = Y most_rate (most_rate >= -log(1 - remove)), and
 * exp(-z) at least 1 - z + z^2/2 - z^3/6 (Taylor's remainder is
 * positive): a uniform below that bound (less 2^-50 for rounding) is
 * inversion's 0 without a logarithm. Otherwise the walk finishes the
 * inversion with the same uniform, on bounds of P(0) too, nearly always
 * without exp.
 */
static inline int64_t varying_removals(struct varying_thinning *t, struct rng *r, int64_t y)
{
	double z = (double)y * t->odds;
	if (__builtin_expect(z > VARYING_THINNING_WALK_MEAN, 0)) {
		struct rng kept = *r; /* R's state stays in registers: only a copy is seen out of line */
		int64_t x = varying_removals_many(t, &kept, y);
		*r = kept;
		return x;
	}
	double u = (double)(rng_next(r) >> 11) * 0x1.0p-53;
	z = (double)y * t->most_rate; /* P(0) >= exp(-z) >= 1 - z + z^2/2 - z^3/6 */
	double least = 1.0 - z * (1.0 - 0.5 * z * (1.0 - z * (1.0 / 3.0))) - 0x1.0p-50;
	if (__builtin_expect(u < least, 1))
		return 0;
	return varying_removals_walk(t, u, y);
}

/* Binomial(N, g) from AT's kept table, 0 <= N <= AT's n_max (R's state
 * kept in registers: only a copy is seen out of line). */
static inline int64_t varying_table_draw(const struct binomial_source *at, struct rng *r, int64_t n)
{
	if (n <= 0)
		return 0;
	const struct cdf_table *t =
		at->cdfs != NULL ? atomic_load_explicit(&at->cdfs->by_n[n], memory_order_acquire) : NULL;
	if (__builtin_expect(t != NULL, 1))
		return inversion_cdf_draw(t, r);
	struct rng kept = *r;
	int64_t x = inversion_binomial_draw_building(at, &kept, n);
	*r = kept;
	return x;
}

static inline int64_t varying_binomial_draw(struct varying_binomial *b, struct rng *r, int64_t n)
{
	const struct binomial_source *at = b->grid_at;
	if (at == NULL || n > at->n_max) {
		struct rng kept = *r;
		int64_t x = varying_binomial_alone(b, &kept, n);
		*r = kept;
		return x;
	}
	/* Binomial(n, g) as the sum of Binomial(hi, g) and Binomial(lo, g) */
	int64_t lo = n & (VARYING_SPLIT - 1), hi = n - lo;
	int64_t y = varying_table_draw(at, r, hi) + varying_table_draw(at, r, lo);
	if (b->adds)
		return y + varying_removals(&b->thin, r, n - y);
	if (y == 0 || b->thin.remove == 0.0)
		return y;
	return y - varying_removals(&b->thin, r, y);
}

static inline int64_t varying_poisson_draw(struct varying_poisson *s, struct rng *r)
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
	if (y == 0 || s->thin.remove == 0.0)
		return y;
	return y - varying_removals(&s->thin, r, y);
}

#endif
