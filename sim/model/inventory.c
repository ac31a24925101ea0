#include "inventory.h"

#include <string.h>

/* The source for RATE among SLOTS, or NULL when none is set up for it. */
static const struct binomial_source *binomial_kept(const struct binomial_source *slots, double rate)
{
	for (int i = 0; i < INVENTORY_RATE_SLOTS; i++)
		if (slots[i].rate.p == rate)
			return &slots[i];
	return NULL;
}

/* The source for RATE among SLOTS (slot 0 the scenario's), set up in a hook
 * slot when none has it; *NEXT turns over the hook slots. */
static const struct binomial_source *binomial_in_force(struct binomial_source *slots, double rate,
						       int *next, struct inversion_tables *tables)
{
	const struct binomial_source *kept = binomial_kept(slots, rate);
	if (kept != NULL)
		return kept;
	struct binomial_source *slot = &slots[1 + *next];
	*next = (*next + 1) % (INVENTORY_RATE_SLOTS - 1);
	inversion_binomial_init(slot, rate, tables);
	return slot;
}

void inventory_start(struct inventory *inv, struct inventory_samplers *kept, int64_t problems,
		     double rectify_rate, double rebound, double new_per_week,
		     struct inversion_tables *tables)
{
	inv->open = problems;
	inv->rectified_last = 0;
	inv->rectify_rate = rectify_rate;
	inv->rebound = rebound;
	inv->new_per_week = new_per_week;
	inventory_mark_start(inv);
	if (kept->tables != tables) { /* the sources point into the old tables */
		memset(kept, 0, sizeof *kept);
		kept->tables = tables;
	}
	/* slot 0 holds the scenario's rates: set up once, in the first replication */
	if (kept->rectify_cache[0].rate.p != rectify_rate)
		inversion_binomial_init(&kept->rectify_cache[0], rectify_rate, tables);
	if (kept->rebound_cache[0].rate.p != rebound)
		inversion_binomial_init(&kept->rebound_cache[0], rebound, tables);
}

void inventory_prefetch(const struct inventory *inv, const struct inventory_samplers *kept)
{
	const struct binomial_source *rectify = binomial_kept(kept->rectify_cache, inv->rectify_rate);
	const struct binomial_source *rebound = binomial_kept(kept->rebound_cache, inv->rebound);
	if (rectify != NULL)
		inversion_binomial_prefetch(rectify, inv->open);
	if (rebound != NULL)
		inversion_binomial_prefetch(rebound, inv->rectified_last);
}

void inventory_week(struct inventory *inv, struct inventory_samplers *kept, struct rng *r,
		    int64_t *rectified, int64_t *arrived)
{
	/* the rates in force, which a hook may have changed since last week */
	const struct binomial_source *rectify = binomial_in_force(
		kept->rectify_cache, inv->rectify_rate, &kept->rectify_next, kept->tables);
	const struct binomial_source *rebound = binomial_in_force(
		kept->rebound_cache, inv->rebound, &kept->rebound_next, kept->tables);
	if (kept->arrival_cache.rate.mu != inv->new_per_week)
		inversion_poisson_init(&kept->arrival_cache, inv->new_per_week, kept->tables);
	int64_t fixed = inversion_binomial_draw(rectify, r, inv->open);
	int64_t rebounded = inversion_binomial_draw(rebound, r, inv->rectified_last);
	int64_t added = inversion_poisson_draw(&kept->arrival_cache, r);
	inv->open = inv->open - fixed + rebounded + added;
	inv->rectified_last = fixed;
	*rectified += fixed;
	*arrived += added;
}

int64_t inventory_open(const struct inventory *inv)
{
	return inv->open;
}

void inventory_set_open(struct inventory *inv, int64_t open)
{
	inv->open = open;
}

double inventory_rate(const struct inventory *inv, enum inventory_rate which)
{
	switch (which) {
	case INVENTORY_RECTIFY_RATE: return inv->rectify_rate;
	case INVENTORY_REBOUND: return inv->rebound;
	case INVENTORY_NEW_PER_WEEK: return inv->new_per_week;
	case INVENTORY_BASE_RECTIFY_RATE: return inv->base_rectify_rate;
	case INVENTORY_BASE_REBOUND: return inv->base_rebound;
	default: return inv->base_new_per_week;
	}
}

int64_t inventory_problems(const struct inventory *inv)
{
	return inv->problems;
}

void inventory_mark_start(struct inventory *inv)
{
	inv->problems = inv->open;
	inv->base_rectify_rate = inv->rectify_rate;
	inv->base_rebound = inv->rebound;
	inv->base_new_per_week = inv->new_per_week;
}

void inventory_set_rate(struct inventory *inv, enum inventory_rate which, double value)
{
	switch (which) {
	case INVENTORY_RECTIFY_RATE: inv->rectify_rate = value; break;
	case INVENTORY_REBOUND: inv->rebound = value; break;
	case INVENTORY_NEW_PER_WEEK: inv->new_per_week = value; break;
	default: break; /* the start's are read only */
	}
}
