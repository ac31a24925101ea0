#include "wilson.h"

#include <math.h>

void wilson_interval(int64_t successes, int64_t n, double z, double *lo, double *hi)
{
	if (n <= 0) {
		*lo = 0.0;
		*hi = 1.0;
		return;
	}
	double nn = (double)n, p = (double)successes / nn, z2 = z * z;
	double denominator = 1.0 + z2 / nn;
	double centre = (p + z2 / (2.0 * nn)) / denominator;
	double half = z * sqrt(p * (1.0 - p) / nn + z2 / (4.0 * nn * nn)) / denominator;
	*lo = fmax(0.0, centre - half);
	*hi = fmin(1.0, centre + half);
}
