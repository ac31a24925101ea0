/*
 * dynamics: one district-and-category's problem inventory, week by week
 * (MODEL.md 3.1).
 */
#ifndef CCSIM_DYNAMICS_H
#define CCSIM_DYNAMICS_H

#include <stdint.h>

#include "rng.h"
#include "sample.h"

#define INVENTORY_RATE_SLOTS 3

/* The inventory of one cell in one replication, with the rates in force
 * (a policy's week hook may change them from the next week on). */
struct inventory {
	int64_t open;             /* O[t] */
	int64_t rectified_last;   /* R[t], the fixes that may rebound next week */
	double rectify_rate;      /* r */
	double rebound;           /* rho */
	double new_per_week;      /* lambda */
	/* The samplers' constants for the rates above, kept from one
	 * replication to the next: slot 0 for the scenario's rate (as given
	 * to inventory_start), the others for the last rates a policy's hook
	 * set, so that a policy switching between a few rates (a surge, then
	 * fatigue) does not work them out again every replication. The
	 * Poisson constants, a table of 64 probabilities, have one slot: the
	 * rate in force (a cell's inventory stays within a few cache lines). */
	struct binomial_rate rectify_cache[INVENTORY_RATE_SLOTS];
	struct binomial_rate rebound_cache[INVENTORY_RATE_SLOTS];
	struct poisson_rate arrival_cache;
	int rectify_next, rebound_next;        /* the hook slot to reuse next */
};

/* O[0] = problems, R[0] = 0, with the cell's own rates. INV holds zeroes
 * or an earlier replication's inventory. */
void inventory_start(struct inventory *inv, int64_t problems, double rectify_rate,
		     double rebound, double new_per_week);

/*
 * One week: R ~ Bin(O, r), K ~ Bin(R_last, rho), A ~ Poisson(lambda),
 * O <- O - R + K + A. Adds R to *RECTIFIED and A to *ARRIVED.
 */
void inventory_week(struct inventory *inv, struct rng *r, int64_t *rectified, int64_t *arrived);

#endif
