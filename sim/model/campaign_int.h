/*
 * campaign_int: what campaign.c (the blocks without hooks, the results)
 * and campaign_hooked.c (the blocks whose replications run week by week
 * with week hooks) share: a campaign's record, its cells' samplers and the
 * draws that search their tables. Private to sim/model's campaign files.
 */
#ifndef CCSIM_CAMPAIGN_INT_H
#define CCSIM_CAMPAIGN_INT_H

#include "campaign.h"
#include "varying.h"

#include <stdint.h>

/* One binomial rate of a cell: the kept tables by n, for n in [1, tabled],
 * and the source for every other draw. */
struct binomial_draws {
	_Atomic(struct cdf_table *) *by_n;
	uint64_t tabled;
	struct binomial_source source;
};

/* What a cell draws with when no hook changes its rates. */
struct cell_draws {
	struct binomial_draws rectify, rebound;
	struct poisson_source arrival;
	int64_t problems;
};

/* The rates of a few values (a discrete input's) a varying cell keeps samplers for. */
#define FEW_RATES 4

/* A cell whose values uncertain inputs set anew in every replication. */
struct varying_cell {
	struct campaign_variation how;
	struct campaign_values *values;   /* [capacity]: each replication's of the block */
	struct binomial_draws few_rectify[FEW_RATES], few_rebound[FEW_RATES];
	struct poisson_source few_arrival[FEW_RATES];
	int next_rectify, next_rebound, next_arrival;
};

/* The rates of a varying cell drawn through the grid (varying.h) in one
 * replication, as bits. */
#define CAMPAIGN_GRID_RECTIFY 1u
#define CAMPAIGN_GRID_REBOUND 2u
#define CAMPAIGN_GRID_ARRIVAL 4u

/*
 * Which of a varying cell's rates (HOW, its draws D) a replication's values
 * V draw through the grid: a continuous input's value, unless it is the
 * scenario's after all (a setup run again that left it alone), which keeps
 * the scenario's tables. Blocks with hooks and without decide alike, so that
 * a hook that changes nothing draws what the block without it draws (the
 * common random numbers of compare).
 */
static inline unsigned campaign_grid_rates(const struct campaign_variation *how,
					   const struct cell_draws *d,
					   const struct campaign_values *v)
{
	unsigned grid = 0;
	if (how->rectify_rate == CAMPAIGN_CONTINUOUS && v->rectify_rate != d->rectify.source.rate.p)
		grid |= CAMPAIGN_GRID_RECTIFY;
	if (how->rebound == CAMPAIGN_CONTINUOUS && v->rebound != d->rebound.source.rate.p)
		grid |= CAMPAIGN_GRID_REBOUND;
	if (how->new_per_week == CAMPAIGN_CONTINUOUS && v->new_per_week != d->arrival.rate.mu)
		grid |= CAMPAIGN_GRID_ARRIVAL;
	return grid;
}

/* The first gaps of the marks of the grid's binomials (GRID's bits), from
 * the replication's stream R before its first week, in one order for both
 * kinds of block. */
static inline void campaign_grid_start(unsigned grid, struct varying_binomial *rectify,
				       struct varying_binomial *rebound, struct rng *r)
{
	if (grid & CAMPAIGN_GRID_RECTIFY)
		varying_binomial_start(rectify, r);
	if (grid & CAMPAIGN_GRID_REBOUND)
		varying_binomial_start(rebound, r);
}

/* The hooked blocks' records (campaign_hooked.c). */
struct hooked_cell;
struct hooked_kept;
struct hooked_untabled;

struct campaign {
	size_t cells;
	int weeks, batches;
	int capacity;
	int64_t initial;                /* sum of O0 */
	struct cell_draws *draws;       /* [cells] */
	size_t *order;                  /* [cells]: cells of the same rates one after another */
	/* [cell][capacity][batch]: O at tau_b, in the fewest bits every
	 * cell's O fits (16, 32 or 64: open_bits), in one of these */
	int open_bits;
	uint16_t *open16;
	int32_t *open32;
	int64_t *open64;
	int64_t *rectified, *arrived;   /* [capacity] */
	int64_t *initial_shift;         /* [capacity]: O0 drawn by uncertain inputs less the scenario's */
	int *vary;                      /* [cells]: the cell's index in varying, -1: fixed (NULL: none varies) */
	struct varying_cell *varying;
	int n_varying;
	struct varying_grid *grid;      /* the continuous inputs' rates' tables (varying.h) */
	/* the varying cells as groups, each a district's run of them in ORDER
	 * (its cells share an uncertain input's rates in a replication) */
	int n_groups;
	size_t *group_first, *group_cells; /* [n_groups]: where in ORDER, how many */
	int *visits;                    /* [n_groups * capacity]: (group, replication) by grid point */
	int *visits_scratch;            /* [n_groups * capacity] */
	uint16_t *visit_keys;           /* [n_groups * capacity] */
	int64_t *week_open;             /* [2][weeks + 1]: two replications of one cell */
	/* made on a hooked block's first use: */
	struct inventory *inventories;  /* [campaign_hooked_capacity][cells]: the hooks' view */
	struct hooked_cell *hooked_cells; /* [campaign_hooked_capacity][cells] */
	struct hooked_kept *hooked_kept;  /* [cells] */
	struct hooked_untabled *hooked_untabled; /* [campaign_hooked_capacity][cells], when cells vary */
	int64_t *hooked_open;           /* [campaign_hooked_capacity][cell][batch]: O at tau_b */
	int hooked;                     /* the last replication ran with a hook */
	int hooked_done;                /* the last hooked block's replications run to their end */
	struct inversion_tables *tables;
	/* the last unhooked block run (campaign_share): seed, first, count; 0 count: none */
	uint64_t block_seed, block_first;
	int block_count;
	/* lending (campaign_share): each cell's rectified and arrived in each
	 * replication of the block, [cell][capacity][2] */
	int64_t *cell_sums;
	/* taking: the campaign whose results the cells marked in SHARED copy */
	const struct campaign *donor;
	unsigned char *shared;          /* [cells] */
};

/* Where a hooked block keeps O of replication J, cell K at batch B. */
static inline size_t campaign_hooked_open_at(const struct campaign *c, int j, size_t k,
					     int b)
{
	return ((size_t)j * c->cells + k) * (size_t)c->batches + (size_t)b;
}

/* D drawing at rate P, from TABLES (may be NULL). */
static inline void binomial_draws_init(struct binomial_draws *d, double p,
				       struct inversion_tables *tables)
{
	inversion_binomial_init(&d->source, p, tables);
	d->by_n = d->source.cdfs != NULL ? d->source.cdfs->by_n : NULL;
	d->tabled = d->source.cdfs != NULL && d->source.n_max > 0 ? (uint64_t)d->source.n_max : 0;
}

/*
 * The draws of inversion.h, with the stream kept by value: its state stays
 * in registers through a cell's weeks, and only the rare draw out of line
 * (past the tables, or a table not built yet) sees a copy in memory.
 */
__attribute__((noinline)) int64_t campaign_binomial_rare(const struct binomial_source *source,
							 struct rng *r, int64_t n);

static inline int64_t draw_binomial(const struct binomial_draws *d, struct rng *r, int64_t n)
{
	/* n in [1, tabled] in one comparison */
	if (__builtin_expect((uint64_t)n - 1 < d->tabled, 1)) {
		const struct cdf_table *t = atomic_load_explicit(&d->by_n[n], memory_order_acquire);
		if (__builtin_expect(t != NULL, 1))
			return inversion_cdf_draw(t, r);
	}
	if (n <= 0)
		return 0; /* as inversion_binomial_draw: no uniform drawn */
	struct rng kept = *r;
	int64_t x = campaign_binomial_rare(&d->source, &kept, n);
	*r = kept;
	return x;
}

static inline int64_t draw_poisson(const struct poisson_source *source, struct rng *r)
{
	if (__builtin_expect(source->table != NULL, 1))
		return inversion_cdf_draw(source->table, r);
	struct rng kept = *r;
	int64_t x = inversion_poisson_draw_untabled(source, &kept);
	*r = kept;
	return x;
}

#endif
