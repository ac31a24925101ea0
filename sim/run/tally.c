#include "tally.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct tally *tally_new(const struct scenario *s)
{
	struct tally *t = calloc(1, sizeof *t);
	if (t == NULL)
		return NULL;
	t->n_districts = s->n_districts;
	t->n_categories = s->n_categories;
	t->n_bands = s->pass.n_bands;
	t->below_band = calloc((size_t)t->n_bands + 1, sizeof *t->below_band);
	t->district_points_lost_sum = calloc((size_t)s->n_districts, sizeof(double));
	t->district_sites_sum = calloc((size_t)s->n_districts, sizeof(double));
	t->district_rank_last_sum = calloc((size_t)s->n_districts, sizeof(double));
	t->category_points_lost_sum = calloc((size_t)s->n_categories, sizeof(double));
	if (!t->below_band || !t->district_points_lost_sum || !t->district_sites_sum ||
	    !t->district_rank_last_sum || !t->category_points_lost_sum) {
		tally_free(t);
		return NULL;
	}
	return t;
}

void tally_free(struct tally *t)
{
	if (t == NULL)
		return;
	free(t->below_band);
	free(t->district_points_lost_sum);
	free(t->district_sites_sum);
	free(t->district_rank_last_sum);
	free(t->category_points_lost_sum);
	free(t);
}

/* Gives T the sizes and arrays of LAYOUT (a copy of T's own). */
static void restore_layout(struct tally *t, const struct tally *layout)
{
	t->n_districts = layout->n_districts;
	t->n_categories = layout->n_categories;
	t->n_bands = layout->n_bands;
	t->below_band = layout->below_band;
	t->district_points_lost_sum = layout->district_points_lost_sum;
	t->district_sites_sum = layout->district_sites_sum;
	t->district_rank_last_sum = layout->district_rank_last_sum;
	t->category_points_lost_sum = layout->category_points_lost_sum;
}

/* The arrays of T, in packing order, with their sizes in bytes. */
static int tally_arrays(const struct tally *t, void *arrays[5], size_t sizes[5])
{
	size_t D = (size_t)t->n_districts, C = (size_t)t->n_categories;
	arrays[0] = t->below_band;
	sizes[0] = (size_t)t->n_bands * sizeof *t->below_band;
	arrays[1] = t->district_points_lost_sum;
	arrays[2] = t->district_sites_sum;
	arrays[3] = t->district_rank_last_sum;
	sizes[1] = sizes[2] = sizes[3] = D * sizeof(double);
	arrays[4] = t->category_points_lost_sum;
	sizes[4] = C * sizeof(double);
	return 5;
}

void tally_reset(struct tally *t)
{
	struct tally layout = *t;
	memset(t, 0, sizeof *t);
	restore_layout(t, &layout);
	void *arrays[5];
	size_t sizes[5];
	for (int i = tally_arrays(t, arrays, sizes) - 1; i >= 0; i--)
		memset(arrays[i], 0, sizes[i]);
}

size_t tally_packed_size(const struct tally *t)
{
	void *arrays[5];
	size_t sizes[5], total = sizeof *t;
	for (int i = tally_arrays(t, arrays, sizes) - 1; i >= 0; i--)
		total += sizes[i];
	return total;
}

void tally_pack(const struct tally *t, unsigned char *out)
{
	void *arrays[5];
	size_t sizes[5];
	int n = tally_arrays(t, arrays, sizes);
	memcpy(out, t, sizeof *t);
	out += sizeof *t;
	for (int i = 0; i < n; i++) {
		memcpy(out, arrays[i], sizes[i]);
		out += sizes[i];
	}
}

void tally_unpack(struct tally *t, const unsigned char *in)
{
	struct tally layout = *t;
	memcpy(t, in, sizeof *t);
	restore_layout(t, &layout);
	in += sizeof *t;
	void *arrays[5];
	size_t sizes[5];
	int n = tally_arrays(t, arrays, sizes);
	for (int i = 0; i < n; i++) {
		memcpy(arrays[i], in, sizes[i]);
		in += sizes[i];
	}
}

static void moments_add(struct moments *m, double x, double inverse_n)
{
	double delta = x - m->mean;
	m->mean += delta * inverse_n;
	m->m2 += delta * (x - m->mean);
}

void moments_push(struct moments *m, int64_t n, double x)
{
	moments_add(m, x, 1.0 / (double)n);
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

void tally_add(struct tally *t, const struct scenario *s, const struct outcome *o)
{
	t->n++;
	double inverse_n = 1.0 / (double)t->n;
	moments_add(&t->total, o->total, inverse_n);
	moments_add(&t->year, o->year, inverse_n);
	for (int i = 0; i < COMPONENT_COUNT; i++)
		moments_add(&t->component[i], o->component[i], inverse_n);

	t->passes += o->pass;
	t->survey_vetoes += o->survey_veto;
	t->negative_vetoes += o->negative_veto;
	t->minors_vetoes += o->minors_veto;
	if (!o->pass) {
		t->fails_survey_veto += o->survey_veto;
		t->fails_negative_veto += o->negative_veto;
		t->fails_minors_veto += o->minors_veto;
		t->fails_below_threshold += o->below_threshold;
		t->fails_outranked += o->outranked;
	}
	for (int i = 0; i < t->n_bands; i++)
		t->below_band[i] += o->total < s->pass.bands[i];

	t->rectification_sum += o->rectification;
	for (int d = 0; d < t->n_districts; d++) {
		t->district_points_lost_sum[d] += o->district_points_lost[d];
		t->district_sites_sum[d] += o->district_sites[d];
		t->district_rank_last_sum[d] += o->district_rank_last[d];
	}
	for (int c = 0; c < t->n_categories; c++)
		t->category_points_lost_sum[c] += o->category_points_lost[c];
}

void tally_merge(struct tally *into, const struct tally *from)
{
	moments_merge(&into->total, into->n, &from->total, from->n);
	moments_merge(&into->year, into->n, &from->year, from->n);
	for (int i = 0; i < COMPONENT_COUNT; i++)
		moments_merge(&into->component[i], into->n, &from->component[i], from->n);
	into->n += from->n;
	into->passes += from->passes;
	into->survey_vetoes += from->survey_vetoes;
	into->negative_vetoes += from->negative_vetoes;
	into->minors_vetoes += from->minors_vetoes;
	into->fails_survey_veto += from->fails_survey_veto;
	into->fails_negative_veto += from->fails_negative_veto;
	into->fails_minors_veto += from->fails_minors_veto;
	into->fails_below_threshold += from->fails_below_threshold;
	into->fails_outranked += from->fails_outranked;
	for (int i = 0; i < into->n_bands; i++)
		into->below_band[i] += from->below_band[i];
	into->rectification_sum += from->rectification_sum;
	for (int d = 0; d < into->n_districts; d++) {
		into->district_points_lost_sum[d] += from->district_points_lost_sum[d];
		into->district_sites_sum[d] += from->district_sites_sum[d];
		into->district_rank_last_sum[d] += from->district_rank_last_sum[d];
	}
	for (int c = 0; c < into->n_categories; c++)
		into->category_points_lost_sum[c] += from->category_points_lost_sum[c];
}

struct histogram *histogram_new(const struct scenario *s)
{
	struct histogram *h = calloc(1, sizeof *h);
	if (h == NULL)
		return NULL;
	h->base = s->histogram_base;
	h->bins = s->histogram_bins;
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
