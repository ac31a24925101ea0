/*
 * What optimize.c and optimize_holdout.c share inside the optimize module
 * (optimize.h is its public API).
 */
#ifndef CCSIM_OPTIMIZE_INT_H
#define CCSIM_OPTIMIZE_INT_H

#include <stddef.h>

#include "optimize.h"

/*
 * Tries PLAN on a single replication: 0 when every plugin takes it, 1 when
 * one refuses it (its message in REASON), -1 on any other failure (in D).
 */
int optimize_probe(struct study *st, const struct optimize_result *r, const double *plan,
		   const struct run_options *run, char *reason, size_t size, struct diag *d);

/* The plan against the base and the even spread on the holdout's own
 * stream into R->holdout: 0, 1 when interrupted, -1 on failure (in D). */
int optimize_holdout(struct study *st, struct optimize_result *r, const double *plan,
		     const struct run_options *run, struct diag *d);

#endif
