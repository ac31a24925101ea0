/*
 * campaign_hooked: the blocks of replications that week hooks see (campaign.h:
 * campaign_run_hooked). A block runs week by week: every cell steps in every
 * replication of the block, then the hook is called for each replication on
 * its struct inventory, the hooks' view of the cells; a cell follows the
 * rates its inventory holds, with samplers kept for the few a hook sets.
 */
#include "campaign_int.h"

#include <math.h>
#include <stdlib.h>

/* Rates a hooked cell keeps samplers for besides the scenario's: a hook
 * switching among a few rates (a surge, then fatigue) sets none up again. */
#define HOOK_RATES 2

/* The samplers a cell keeps for the rates hooks set, shared by the
 * replications of a hooked block (a slot set up again for another rate
 * is noticed by every replication that drew from it). */
struct hooked_kept {
	struct binomial_draws kept_rectify[HOOK_RATES], kept_rebound[HOOK_RATES];
	struct poisson_source kept_arrival;
	int next_rectify, next_rebound;
};

/* A cell of one replication of a hooked block: the samplers in force for
 * the rates its inventory holds (a hook may change them; each sampler
 * says the rate it draws at), and its stream; 64 bytes, one cache line. */
struct hooked_cell {
	struct rng r;
	const struct binomial_draws *rectify_at, *rebound_at;
	const struct poisson_source *arrival_at;
	/* rates an uncertain input draws from a continuous distribution: drawn
	 * without tables (struct hooked_untabled), whatever a hook sets them to
	 * (CAMPAIGN_GRID_* bits) */
	unsigned untabled;
};
_Static_assert(sizeof(struct hooked_cell) <= 64, "a hooked cell fits one cache line");

/* The table-free samplers of a hooked cell whose rates uncertain inputs draw. */
struct hooked_untabled {
	struct varying_binomial rectify, rebound;
	struct varying_poisson arrival;
};

/* The sampler for rate P among the scenario's (AT_START) and the kept
 * ones, set up in the next kept slot when none has it. */
static const struct binomial_draws *binomial_in_force(const struct binomial_draws *at_start,
						      struct binomial_draws *kept, int *next, double p,
						      struct inversion_tables *tables)
{
	if (at_start->source.rate.p == p)
		return at_start;
	for (int i = 0; i < HOOK_RATES; i++)
		if (kept[i].source.rate.p == p && kept[i].source.n_max != -2)
			return &kept[i];
	struct binomial_draws *slot = &kept[*next];
	*next = (*next + 1) % HOOK_RATES;
	binomial_draws_init(slot, p, tables);
	return slot;
}

/* Whether H's samplers (U's, for the rates drawn without tables) draw at
 * the rates inventory V holds: a hook may have changed them, or another
 * replication set a kept slot up again for its own rate. */
static inline int hooked_in_force(const struct hooked_cell *h, const struct hooked_untabled *u,
				  const struct inventory *v)
{
	if (__builtin_expect(h->untabled == 0, 1))
		return h->rectify_at->source.rate.p == v->rectify_rate &&
		       h->rebound_at->source.rate.p == v->rebound && h->arrival_at->rate.mu == v->new_per_week;
	unsigned grid = h->untabled;
	return (grid & CAMPAIGN_GRID_RECTIFY ? u->rectify.p : h->rectify_at->source.rate.p) ==
		       v->rectify_rate &&
	       (grid & CAMPAIGN_GRID_REBOUND ? u->rebound.p : h->rebound_at->source.rate.p) ==
		       v->rebound &&
	       (grid & CAMPAIGN_GRID_ARRIVAL ? u->arrival.mu : h->arrival_at->rate.mu) ==
		       v->new_per_week;
}

/*
 * One binomial rate of a hooked cell at P, which its inventory holds now:
 * drawn by the sampler *AT or, UNTABLED, the table-free WALK; the
 * scenario's sampler AT_START and the kept slots KEPT serve it when they
 * hold P.
 */
static void hooked_binomial(struct campaign *c, double p, int untabled, struct varying_binomial *walk,
			    const struct binomial_draws **at, const struct binomial_draws *at_start,
			    struct binomial_draws *kept, int *next)
{
	if (untabled) {
		if (p != walk->p)
			varying_binomial_init(walk, p);
	} else if ((*at)->source.rate.p != p) {
		*at = binomial_in_force(at_start, kept, next, p, c->tables);
	}
}

/* Cell K's samplers in H for the rates V, its inventory, holds now. */
static void hooked_rates(struct campaign *c, size_t k, const struct inventory *v,
			 struct hooked_cell *h, struct hooked_untabled *u)
{
	struct hooked_kept *kept = &c->hooked_kept[k];
	const struct cell_draws *d = &c->draws[k];
	hooked_binomial(c, v->rectify_rate, h->untabled & CAMPAIGN_GRID_RECTIFY,
			u ? &u->rectify : NULL, &h->rectify_at, &d->rectify, kept->kept_rectify,
			&kept->next_rectify);
	hooked_binomial(c, v->rebound, h->untabled & CAMPAIGN_GRID_REBOUND,
			u ? &u->rebound : NULL, &h->rebound_at, &d->rebound, kept->kept_rebound,
			&kept->next_rebound);
	if (h->untabled & CAMPAIGN_GRID_ARRIVAL) {
		if (v->new_per_week != u->arrival.mu)
			varying_poisson_init(&u->arrival, v->new_per_week);
	} else if (v->new_per_week == d->arrival.rate.mu) {
		h->arrival_at = &d->arrival;
	} else if (h->arrival_at->rate.mu != v->new_per_week) {
		if (kept->kept_arrival.rate.mu != v->new_per_week || kept->kept_arrival.rate.mu == 0.0)
			inversion_poisson_init(&kept->kept_arrival, v->new_per_week, c->tables);
		h->arrival_at = &kept->kept_arrival;
	}
}

/*
 * A varying cell K's values for result J of a hooked block: V, its
 * inventory, starts from them; a rate drawn from a continuous distribution
 * is drawn through the grid without tables of its own, a few values'
 * through the kept samplers (the first week's check sees the rate differ
 * from the scenario's).
 */
static void hooked_varying_start(struct campaign *c, size_t k, int j, struct inventory *v,
				 struct hooked_cell *h, struct hooked_untabled *u)
{
	struct varying_cell *vc = &c->varying[c->vary[k]];
	const struct campaign_values *x = &vc->values[j];
	const struct campaign_variation *how = &vc->how;
	if (how->problems != CAMPAIGN_FIXED) {
		c->initial_shift[j] += x->problems - v->open;
		v->open = x->problems;
	}
	if (how->rectify_rate != CAMPAIGN_FIXED)
		v->rectify_rate = x->rectify_rate;
	if (how->rebound != CAMPAIGN_FIXED)
		v->rebound = x->rebound;
	if (how->new_per_week != CAMPAIGN_FIXED)
		v->new_per_week = x->new_per_week;
	/* as a block sets them up (campaign.c, varying_lane_start): the same
	 * draws while no hook changes the rates, so that a policy's effect is
	 * measured on the numbers its base drew */
	h->untabled = campaign_grid_rates(how, &c->draws[k], x);
	if (h->untabled & CAMPAIGN_GRID_RECTIFY)
		varying_binomial_init_grid(&u->rectify, x->rectify_rate, c->grid);
	if (h->untabled & CAMPAIGN_GRID_REBOUND)
		varying_binomial_init_grid(&u->rebound, x->rebound, c->grid);
	if (h->untabled & CAMPAIGN_GRID_ARRIVAL)
		varying_poisson_init_grid(&u->arrival, x->new_per_week, c->grid);
	campaign_grid_start(h->untabled, &u->rectify, &u->rebound, &h->r);
}

/* Makes the hooked blocks' cells on first use: 0, or -1 when out of memory. */
static int hooked_start(struct campaign *c)
{
	size_t cells = c->cells, lanes = cells * (size_t)campaign_hooked_capacity(c);
	if (c->inventories && c->hooked_cells && c->hooked_kept && c->hooked_open &&
	    (c->vary == NULL || c->hooked_untabled))
		return 0;
	/* a hooked campaign runs no unhooked block (campaign.h): the block's
	 * results go back to the allocator before the hooked arrays come */
	free(c->open16);
	free(c->open32);
	free(c->open64);
	c->open16 = NULL;
	c->open32 = NULL;
	c->open64 = NULL;
	if (!c->inventories)
		c->inventories = calloc(lanes, sizeof *c->inventories);
	if (!c->hooked_cells)
		c->hooked_cells = calloc(lanes, sizeof *c->hooked_cells);
	if (!c->hooked_kept) {
		c->hooked_kept = calloc(cells, sizeof *c->hooked_kept);
		for (size_t k = 0; c->hooked_kept && k < cells; k++)
			for (int i = 0; i < HOOK_RATES; i++) /* no slot matches a rate yet */
				c->hooked_kept[k].kept_rectify[i].source.n_max =
					c->hooked_kept[k].kept_rebound[i].source.n_max = -2;
	}
	if (!c->hooked_open)
		c->hooked_open = calloc(lanes * (size_t)c->batches, sizeof *c->hooked_open);
	if (!c->hooked_untabled && c->vary != NULL)
		c->hooked_untabled = calloc(lanes, sizeof *c->hooked_untabled);
	return c->inventories && c->hooked_cells && c->hooked_kept && c->hooked_open &&
			       (c->vary == NULL || c->hooked_untabled)
		       ? 0
		       : -1;
}

int campaign_hooked_capacity(const struct campaign *c)
{
	/* a replication's cells: the hooks' view, the samplers in force, O at
	 * each batch's week */
	size_t each = c->cells * (sizeof(struct inventory) + sizeof(struct hooked_cell) +
				  (size_t)c->batches * sizeof(int64_t) +
				  (c->vary != NULL ? sizeof(struct hooked_untabled) : 0));
	size_t fit = CAMPAIGN_HOOKED_BYTES / (each > 0 ? each : 1);
	int most = fit < 1 ? 1 : fit < CAMPAIGN_HOOKED_BLOCK ? (int)fit : CAMPAIGN_HOOKED_BLOCK;
	return c->capacity < most ? c->capacity : most;
}

int campaign_run_hooked(struct campaign *c, const struct scenario *s, uint64_t seed,
			uint64_t first, int count, const int *batch_week,
			int (*hook)(void *context, uint64_t seed, uint64_t replication, int week,
				    struct inventory *inventories, size_t stride),
			void *context)
{
	(void)s;
	size_t cells = c->cells;
	/* cell K of replication J at [K * stride + J]: the inner loops walk
	 * a cell's replications in order, through memory in order */
	size_t stride = (size_t)campaign_hooked_capacity(c);
	if (hooked_start(c) != 0)
		return CAMPAIGN_NO_MEMORY;
	c->hooked = 1;
	c->hooked_done = 0;
	c->block_count = 0; /* no block to lend */
	int failed = -1;
	for (int j = 0; j < count; j++) {
		if (c->initial_shift != NULL)
			c->initial_shift[j] = 0;
		c->rectified[j] = c->arrived[j] = 0;
	}
	/* cell by cell, each replication of the block in turn: a cell's
	 * samplers and tables serve the whole block while in the cache */
	for (size_t k = 0; k < cells; k++) {
		const struct cell_draws *d = &c->draws[k];
		for (int j = 0; j < count; j++) {
			size_t at = k * stride + (size_t)j;
			struct inventory *v = &c->inventories[at];
			struct hooked_cell *h = &c->hooked_cells[at];
			v->open = d->problems;
			v->rectified_last = 0;
			v->rectify_rate = d->rectify.source.rate.p;
			v->rebound = d->rebound.source.rate.p;
			v->new_per_week = d->arrival.rate.mu;
			h->rectify_at = &d->rectify;
			h->rebound_at = &d->rebound;
			h->arrival_at = &d->arrival;
			h->untabled = 0;
			rng_init(&h->r, seed, first + (uint64_t)j, RNG_SUBSTREAM_CELLS + k);
			if (c->vary != NULL && c->vary[k] >= 0)
				hooked_varying_start(c, k, j, v, h, &c->hooked_untabled[at]);
			inventory_mark_start(v);
		}
	}
	/*
	 * Week by week where a hook is called after every week; where every
	 * replication's hook asked for a later week (CAMPAIGN_HOOK_LATER),
	 * the weeks up to the first asked for run cell by cell, each cell's
	 * tables serving its weeks while in the cache. Each cell of each
	 * replication draws from its own stream in its weeks' order, so the
	 * draws do not depend on how the weeks are grouped.
	 */
	int next_call[CAMPAIGN_HOOKED_BLOCK];
	uint64_t inspected[CAMPAIGN_HOOKED_BLOCK]; /* bit t % 64: week t may be an inspection's */
	for (int j = 0; j < count; j++) {
		next_call[j] = 1;
		inspected[j] = 0;
		for (int b = 0; b < c->batches; b++)
			inspected[j] |= UINT64_C(1) << (batch_week[j * c->batches + b] & 63);
	}
	for (int from = 1; from <= c->weeks;) {
		int to = c->weeks;
		for (int j = 0; j < count; j++)
			if (next_call[j] < to)
				to = next_call[j];
		for (size_t k = 0; k < cells; k++) {
			for (int j = 0; j < count; j++) {
				size_t at = k * stride + (size_t)j;
				struct inventory *v = &c->inventories[at];
				struct hooked_cell *h = &c->hooked_cells[at];
				struct hooked_untabled *u = c->hooked_untabled ? &c->hooked_untabled[at] : NULL;
				if (!hooked_in_force(h, u, v))
					hooked_rates(c, k, v, h, u);
				const int *weeks = &batch_week[j * c->batches];
				for (int t = from; t <= to; t++) {
					struct rng r = h->r;
					int64_t fixed, back, added;
					if (__builtin_expect(h->untabled == 0, 1)) {
						fixed = draw_binomial(h->rectify_at, &r, v->open);
						back = draw_binomial(h->rebound_at, &r, v->rectified_last);
						added = draw_poisson(h->arrival_at, &r);
					} else {
						unsigned grid = h->untabled;
						fixed = grid & CAMPAIGN_GRID_RECTIFY
								? varying_binomial_draw(&u->rectify, &r, v->open)
								: draw_binomial(h->rectify_at, &r, v->open);
						back = grid & CAMPAIGN_GRID_REBOUND
							       ? varying_binomial_draw(&u->rebound, &r,
										       v->rectified_last)
							       : draw_binomial(h->rebound_at, &r, v->rectified_last);
						added = grid & CAMPAIGN_GRID_ARRIVAL
								? varying_poisson_draw(&u->arrival, &r)
								: draw_poisson(h->arrival_at, &r);
					}
					h->r = r;
					v->open = v->open - fixed + back + added;
					v->rectified_last = fixed;
					c->rectified[j] += fixed;
					c->arrived[j] += added;
					/* O at an inspection week no hook follows (the
					 * last week's is taken after the hooks) */
					if (__builtin_expect(t < to && ((inspected[j] >> (t & 63)) & 1u), 0))
						for (int b = 0; b < c->batches; b++)
							if (weeks[b] == t)
								c->hooked_open[campaign_hooked_open_at(
									c, j, k, b)] = v->open;
				}
			}
		}
		/* a replication whose hook fails ends the block there; those
		 * before it run on, since one of them may fail in a later week,
		 * and its failure is the one a run of one at a time meets first */
		for (int j = 0; j < count; j++) {
			if (next_call[j] != to)
				continue;
			int said = hook(context, seed, first + (uint64_t)j, to, &c->inventories[j], stride);
			if (said == 0) {
				next_call[j] = to + 1;
			} else if (said > CAMPAIGN_HOOK_LATER && said - CAMPAIGN_HOOK_LATER > to) {
				next_call[j] = said - CAMPAIGN_HOOK_LATER;
			} else {
				failed = j;
				count = j;
			}
		}
		for (int j = 0; j < count; j++)
			for (int b = 0; b < c->batches; b++)
				if (batch_week[j * c->batches + b] == to)
					for (size_t k = 0; k < cells; k++)
						c->hooked_open[campaign_hooked_open_at(c, j, k, b)] =
							c->inventories[k * stride + (size_t)j].open;
		from = to + 1;
	}
	c->hooked_done = count;
	return failed >= 0 ? CAMPAIGN_HOOK_STOPPED : CAMPAIGN_OK;
}

int campaign_hooked_done(const struct campaign *c)
{
	return c->hooked_done;
}
