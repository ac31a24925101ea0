#include "moments.h"

#include <math.h>

void moments_push(struct moments *m, int64_t n, double x)
{
	double delta = x - m->mean;
	m->mean += delta * (1.0 / (double)n);
	m->m2 += delta * (x - m->mean);
}

void moments_merge(struct moments *into, int64_t n_into, const struct moments *from,
		   int64_t n_from)
{
	if (n_from == 0)
		return;
	double n = (double)(n_into + n_from);
	double delta = from->mean - into->mean;
	into->mean += delta * ((double)n_from / n);
	into->m2 += from->m2 + delta * delta * ((double)n_into * (double)n_from / n);
}

double moments_sd(const struct moments *m, int64_t n)
{
	if (n < 2)
		return 0.0;
	double variance = m->m2 / (double)(n - 1);
	return variance > 0.0 ? sqrt(variance) : 0.0;
}
