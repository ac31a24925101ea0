/*
 * inventory: one district-and-category's open problems, week by week: the
 * weekly dynamics of docs/model.md 3.1.
 */
#ifndef CCSIM_INVENTORY_H
#define CCSIM_INVENTORY_H

#include <stdint.h>

#include "inversion.h"
#include "rng.h"

#define INVENTORY_RATE_SLOTS 3

/* The inventory of one cell in one replication, with the rates in force
 * (a policy's week hook may change them from the next week on). */
struct inventory {
	int64_t open;             /* O[t] */
	int64_t rectified_last;   /* R[t], the fixes that may rebound next week */
	double rectify_rate;      /* r */
	double rebound;           /* rho */
	double new_per_week;      /* lambda */
	/* The samplers for the rates above, kept from one replication to the
	 * next: slot 0 for the scenario's rate (as given to inventory_start),
	 * the others for the last rates a policy's hook set, so that a policy
	 * switching between a few rates (a surge, then fatigue) does not set
	 * them up again every replication. */
	struct binomial_source rectify_cache[INVENTORY_RATE_SLOTS];
	struct binomial_source rebound_cache[INVENTORY_RATE_SLOTS];
	struct poisson_source arrival_cache;
	int rectify_next, rebound_next;   /* the hook slot to reuse next */
	struct inversion_tables *tables;  /* the run's, shared by its threads; may be NULL */
};

/* O[0] = problems, R[0] = 0, with the cell's own rates. INV holds zeroes
 * or an earlier replication's inventory. TABLES (the run's, or NULL) speed
 * the draws up without changing them. */
void inventory_start(struct inventory *inv, int64_t problems, double rectify_rate,
		     double rebound, double new_per_week, struct inversion_tables *tables);

/*
 * One week: R ~ Bin(O, r), K ~ Bin(R_last, rho), A ~ Poisson(lambda),
 * O <- O - R + K + A. Adds R to *RECTIFIED and A to *ARRIVED.
 */
void inventory_week(struct inventory *inv, struct rng *r, int64_t *rectified, int64_t *arrived);

/* Asks the memory for the tables INV's next week will search (a hint: no
 * effect on any draw). */
void inventory_prefetch(const struct inventory *inv);

#endif
