/*
 * moments: the running mean and spread of a stream of numbers, in memory
 * that does not grow with their count.
 *
 * Floating-point sums depend on their order: moments filled by one thread
 * over a fixed range and merged in a fixed order (runner.c) give the same
 * bits whatever the threads and processes.
 */
#ifndef CCSIM_MOMENTS_H
#define CCSIM_MOMENTS_H

#include <stdint.h>

/* Welford's running mean and sum of squared deviations. */
struct moments {
	double mean;
	double m2;
};

/* Adds X as the N-th observation (N counts X) of M. */
void moments_push(struct moments *m, int64_t n, double x);

/* Adds FROM (N_FROM observations) into INTO (N_INTO), Chan's update. */
void moments_merge(struct moments *into, int64_t n_into, const struct moments *from,
		   int64_t n_from);

/* Sample standard deviation (n - 1); 0 below two observations. */
double moments_sd(const struct moments *m, int64_t n);

#endif
