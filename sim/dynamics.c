#include "dynamics.h"

#include "sample.h"

/* The constants for RATE among SLOTS (slot 0 the scenario's), worked out
 * into a hook slot when none has them; *NEXT turns over the hook slots. */
static const struct binomial_rate *binomial_in_force(struct binomial_rate *slots, double rate,
						     int *next)
{
	for (int i = 0; i < INVENTORY_RATE_SLOTS; i++)
		if (slots[i].p == rate)
			return &slots[i];
	struct binomial_rate *slot = &slots[1 + *next];
	*next = (*next + 1) % (INVENTORY_RATE_SLOTS - 1);
	binomial_rate_init(slot, rate);
	return slot;
}

void inventory_start(struct inventory *inv, int64_t problems, double rectify_rate,
		     double rebound, double new_per_week)
{
	inv->open = problems;
	inv->rectified_last = 0;
	inv->rectify_rate = rectify_rate;
	inv->rebound = rebound;
	inv->new_per_week = new_per_week;
	/* slot 0 holds the scenario's rates: worked out once, in the first replication */
	if (inv->rectify_cache[0].p != rectify_rate)
		binomial_rate_init(&inv->rectify_cache[0], rectify_rate);
	if (inv->rebound_cache[0].p != rebound)
		binomial_rate_init(&inv->rebound_cache[0], rebound);
}

void inventory_week(struct inventory *inv, struct rng *r, int64_t *rectified, int64_t *arrived)
{
	/* the rates in force, which a hook may have changed since last week */
	const struct binomial_rate *rectify =
		binomial_in_force(inv->rectify_cache, inv->rectify_rate, &inv->rectify_next);
	const struct binomial_rate *rebound =
		binomial_in_force(inv->rebound_cache, inv->rebound, &inv->rebound_next);
	if (inv->arrival_cache.mu != inv->new_per_week)
		poisson_rate_init(&inv->arrival_cache, inv->new_per_week);
	int64_t fixed = sample_binomial_at(r, inv->open, rectify);
	int64_t rebounded = sample_binomial_at(r, inv->rectified_last, rebound);
	int64_t added = sample_poisson_at(r, &inv->arrival_cache);
	inv->open = inv->open - fixed + rebounded + added;
	inv->rectified_last = fixed;
	*rectified += fixed;
	*arrived += added;
}
