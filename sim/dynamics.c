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

void inventory_week(struct inventory *inv, struct rng *r, int64_t *rectified, int64_t *arrived)
{
	int64_t fixed = sample_binomial(r, inv->open, inv->rectify_rate);
	int64_t rebounded = sample_binomial(r, inv->rectified_last, inv->rebound);
	int64_t added = sample_poisson(r, inv->new_per_week);
	inv->open = inv->open - fixed + rebounded + added;
	inv->rectified_last = fixed;
	*rectified += fixed;
	*arrived += added;
}
