#include "histogram.h"

#include <math.h>
#include <stdlib.h>

struct histogram *histogram_new(const struct scenario_compiled *m)
{
	struct histogram *h = calloc(1, sizeof *h);
	if (h == NULL)
		return NULL;
	h->base = m->histogram_base;
	h->bins = m->histogram_bins;
	h->counts = calloc((size_t)h->bins, sizeof *h->counts);
	if (h->counts == NULL) {
		free(h);
		return NULL;
	}
	return h;
}

void histogram_free(struct histogram *h)
{
	if (h == NULL)
		return;
	free(h->counts);
	free(h);
}

void histogram_add(struct histogram *h, double total)
{
	double bin = floor(total * SCENARIO_HISTOGRAM_BINS_PER_POINT) - (double)h->base;
	/* The bounds carry a bin of margin each side; clamping only guards
	 * against rounding at the very edge. */
	if (!(bin >= 0.0))
		bin = 0.0;
	if (bin > (double)(h->bins - 1))
		bin = (double)(h->bins - 1);
	h->counts[(int64_t)bin]++;
}

void histogram_merge(struct histogram *into, const struct histogram *from)
{
	for (int64_t i = 0; i < into->bins; i++)
		into->counts[i] += from->counts[i];
}

double histogram_quantile(const struct histogram *h, double p)
{
	uint64_t n = 0;
	for (int64_t i = 0; i < h->bins; i++)
		n += h->counts[i];
	if (n == 0)
		return 0.0;
	double wanted = ceil(p * (double)n);
	uint64_t target = wanted < 1.0 ? 1 : (uint64_t)wanted;
	uint64_t seen = 0;
	for (int64_t i = 0; i < h->bins; i++) {
		seen += h->counts[i];
		if (seen >= target)
			return ((double)(h->base + i) + 0.5) / SCENARIO_HISTOGRAM_BINS_PER_POINT;
	}
	return ((double)(h->base + h->bins) - 0.5) / SCENARIO_HISTOGRAM_BINS_PER_POINT;
}
