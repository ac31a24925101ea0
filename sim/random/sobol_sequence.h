/*
 * sobol_sequence: Sobol' points in up to SOBOL_DIMENSIONS dimensions,
 * scrambled for randomized quasi-Monte Carlo: each scrambling is an
 * independent random design whose points are still a digital net (each
 * coordinate of the first 2^m points has exactly one point in each
 * interval [i 2^-m, (i + 1) 2^-m)), so independent scramblings give
 * independent, unbiased estimates whose spread says how precise their mean
 * is.
 *
 * The scrambling is Matousek's random linear matrix scramble followed by a
 * random digital shift (LMS + shift, as in SciPy's qmc.Sobol), drawn from
 * an rng stream. Points are in Gray-code order, 52 bits a coordinate.
 *
 * Direction numbers: S. Joe and F. Y. Kuo, "Constructing Sobol sequences
 * with better two-dimensional projections", SIAM J. Sci. Comput. 30(5),
 * 2635-2654 (2008), search criterion 6 (new-joe-kuo-6.21201): the first
 * SOBOL_DIMENSIONS dimensions, as distributed with SciPy 1.10.1 (Debian's
 * python3-scipy, scipy/stats/_sobol_direction_numbers.npz), under SciPy's
 * BSD-3-Clause licence: see sobol_sequence.c.
 */
#ifndef CCSIM_SOBOL_SEQUENCE_H
#define CCSIM_SOBOL_SEQUENCE_H

#include <stdint.h>

#include "rng.h"

#define SOBOL_DIMENSIONS 128
#define SOBOL_BITS 52

struct sobol_sequence {
	int dimensions;
	uint64_t index;                              /* points given so far */
	uint64_t direction[SOBOL_DIMENSIONS][SOBOL_BITS]; /* scrambled */
	uint64_t point[SOBOL_DIMENSIONS];            /* the last point's digits, shifted */
};

/*
 * Starts the sequence in DIMENSIONS (1 to SOBOL_DIMENSIONS) dimensions,
 * scrambled with draws from SCRAMBLE, or not at all when SCRAMBLE is NULL
 * (then the first point is the origin). 0, or -1 when DIMENSIONS is out of
 * range.
 */
int sobol_sequence_init(struct sobol_sequence *q, int dimensions, struct rng *scramble);

/* The next point into X[dimensions], each coordinate in [0, 1). At most
 * 2^SOBOL_BITS points. */
void sobol_sequence_next(struct sobol_sequence *q, double *x);

#endif
