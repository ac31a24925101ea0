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
 * (a policy's week hook may change them from the next week on) and what
 * the replication started from: what week hooks see, 72 bytes. */
struct inventory {
	int64_t open;             /* O[t] */
	int64_t rectified_last;   /* R[t], the fixes that may rebound next week */
	double rectify_rate;      /* r */
	double rebound;           /* rho */
	double new_per_week;      /* lambda */
	/* this replication's O[0] and rates at week 1: the scenario's after
	 * setup, or what its uncertain inputs drew (read only) */
	int64_t problems;
	double base_rectify_rate, base_rebound, base_new_per_week;
};

/*
 * The samplers inventory_week draws a cell's rates with, kept from one
 * replication to the next: slot 0 for the scenario's rate (as given to
 * inventory_start), the others for the last rates a policy's hook set, so
 * that a policy switching between a few rates (a surge, then fatigue) does
 * not set them up again every replication.
 */
struct inventory_samplers {
	struct binomial_source rectify_cache[INVENTORY_RATE_SLOTS];
	struct binomial_source rebound_cache[INVENTORY_RATE_SLOTS];
	struct poisson_source arrival_cache;
	int rectify_next, rebound_next;   /* the hook slot to reuse next */
	struct inversion_tables *tables;  /* the run's, shared by its threads; may be NULL */
};

/* O[0] = problems, R[0] = 0, with the cell's own rates. KEPT holds zeroes
 * or an earlier replication's samplers. TABLES (the run's, or NULL) speed
 * the draws up without changing them. */
void inventory_start(struct inventory *inv, struct inventory_samplers *kept, int64_t problems,
		     double rectify_rate, double rebound, double new_per_week,
		     struct inversion_tables *tables);

/*
 * One week: R ~ Bin(O, r), K ~ Bin(R_last, rho), A ~ Poisson(lambda),
 * O <- O - R + K + A. Adds R to *RECTIFIED and A to *ARRIVED.
 */
void inventory_week(struct inventory *inv, struct inventory_samplers *kept, struct rng *r,
		    int64_t *rectified, int64_t *arrived);

/* Asks the memory for the tables INV's next week will search (a hint: no
 * effect on any draw). */
void inventory_prefetch(const struct inventory *inv, const struct inventory_samplers *kept);

/*
 * What a policy's week hook reads and writes of a cell (docs/model.md 5):
 * its open problems and the rates in force from the next week on. Callers
 * go through these, never through the struct's fields; a written value
 * must already satisfy the key's rule (a rate within [0, 1], a mean at
 * least 0, open a whole number within [0, LIMIT_PLUGIN_OPEN]).
 */
int64_t inventory_open(const struct inventory *inv);
void inventory_set_open(struct inventory *inv, int64_t open);

enum inventory_rate {
	INVENTORY_RECTIFY_RATE, INVENTORY_REBOUND, INVENTORY_NEW_PER_WEEK,
	/* read only: the replication's rates at week 1 */
	INVENTORY_BASE_RECTIFY_RATE, INVENTORY_BASE_REBOUND, INVENTORY_BASE_NEW_PER_WEEK
};
double inventory_rate(const struct inventory *inv, enum inventory_rate which);
/* The replication's O[0]. */
int64_t inventory_problems(const struct inventory *inv);
/* Makes INV's current O and rates its replication's start (week 1's). */
void inventory_mark_start(struct inventory *inv);
void inventory_set_rate(struct inventory *inv, enum inventory_rate which, double value);

#endif
