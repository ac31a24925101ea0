/*
 * histogram: the distribution of Total over many replications, in bins of
 * 1/SCENARIO_HISTOGRAM_BINS_PER_POINT of a point over the range the
 * scenario allows. Counts are integers: merging them in any order gives the
 * same histogram.
 */
#ifndef CCSIM_HISTOGRAM_H
#define CCSIM_HISTOGRAM_H

#include <stdint.h>

#include "scenario.h"

/* Fixed-width histogram of Total: bin i holds [(base+i)/100, (base+i+1)/100). */
struct histogram {
	int64_t base;
	int64_t bins;
	uint64_t *counts;
};

/* An empty histogram over the compiled model M's range of Total, or NULL
 * when out of memory. */
struct histogram *histogram_new(const struct scenario_compiled *m);
void histogram_free(struct histogram *h);
void histogram_add(struct histogram *h, double total);
void histogram_merge(struct histogram *into, const struct histogram *from);

/* The centre of the bin holding the P-quantile (the smallest bin whose
 * cumulative count reaches ceil(P * n)); 0 for an empty histogram. */
double histogram_quantile(const struct histogram *h, double p);

#endif
