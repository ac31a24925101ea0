/*
 * wilson: the Wilson score interval of a proportion (a pass probability, a
 * veto's), which stays inside [0, 1] and keeps its coverage near 0 and 1.
 */
#ifndef CCSIM_WILSON_H
#define CCSIM_WILSON_H

#include <stdint.h>

/* The two-sided 95 % quantile of the standard normal, for every interval
 * ccsim reports (a mean's too). */
#define Z95 1.959963984540054

/* Wilson score interval [*LO, *HI] for SUCCESSES of N at normal quantile Z;
 * [0, 1] when N is 0. */
void wilson_interval(int64_t successes, int64_t n, double z, double *lo, double *hi);

#endif
