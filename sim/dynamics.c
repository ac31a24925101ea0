#include "dynamics.h"

#include "sample.h"

void inventory_start(struct inventory *inv, int64_t problems, double rectify_rate,
		     double rebound, double new_per_week)
{
	inv->open = problems;
	inv->rectified_last = 0;
	inv->rectify_rate = rectify_rate;
	inv->rebound = rebound;
	inv->new_per_week = new_per_week;
}

/* Brings the samplers' constants up to the rates in force (a zeroed cache
 * stands for rates of 0, which draw nothing). */
static void refresh_rates(struct inventory *inv)
{
	if (inv->rectify_cache.p != inv->rectify_rate)
		binomial_rate_init(&inv->rectify_cache, inv->rectify_rate);
	if (inv->rebound_cache.p != inv->rebound)
		binomial_rate_init(&inv->rebound_cache, inv->rebound);
	if (inv->arrival_cache.mu != inv->new_per_week)
		poisson_rate_init(&inv->arrival_cache, inv->new_per_week);
}

void inventory_week(struct inventory *inv, struct rng *r, int64_t *rectified, int64_t *arrived)
{
	refresh_rates(inv);
	int64_t fixed = sample_binomial_at(r, inv->open, &inv->rectify_cache);
	int64_t rebounded = sample_binomial_at(r, inv->rectified_last, &inv->rebound_cache);
	int64_t added = sample_poisson_at(r, &inv->arrival_cache);
	inv->open = inv->open - fixed + rebounded + added;
	inv->rectified_last = fixed;
	*rectified += fixed;
	*arrived += added;
}
