#include "tally.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "uncertain.h"

/* The arrays a tally holds, packed in this order (tally_arrays). */
#define TALLY_ARRAYS 7

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
	t->district_rank_bottom_sum = calloc((size_t)s->n_districts, sizeof(double));
	t->category_points_lost_sum = calloc((size_t)s->n_categories, sizeof(double));
	t->n_uncertain = s->uncertain != NULL ? uncertain_count(s->uncertain) : 0;
	t->uncertain = calloc((size_t)t->n_uncertain + 1, sizeof *t->uncertain);
	if (!t->below_band || !t->district_points_lost_sum || !t->district_sites_sum ||
	    !t->district_rank_last_sum || !t->district_rank_bottom_sum ||
	    !t->category_points_lost_sum || !t->uncertain) {
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
	free(t->district_rank_bottom_sum);
	free(t->category_points_lost_sum);
	free(t->uncertain);
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
	t->district_rank_bottom_sum = layout->district_rank_bottom_sum;
	t->category_points_lost_sum = layout->category_points_lost_sum;
	t->n_uncertain = layout->n_uncertain;
	t->uncertain = layout->uncertain;
}

/* The arrays of T, in packing order, with their sizes in bytes. */
static int tally_arrays(const struct tally *t, void *arrays[TALLY_ARRAYS], size_t sizes[TALLY_ARRAYS])
{
	size_t D = (size_t)t->n_districts, C = (size_t)t->n_categories;
	arrays[0] = t->below_band;
	sizes[0] = (size_t)t->n_bands * sizeof *t->below_band;
	arrays[1] = t->district_points_lost_sum;
	arrays[2] = t->district_sites_sum;
	arrays[3] = t->district_rank_last_sum;
	arrays[4] = t->district_rank_bottom_sum;
	sizes[1] = sizes[2] = sizes[3] = sizes[4] = D * sizeof(double);
	arrays[5] = t->category_points_lost_sum;
	sizes[5] = C * sizeof(double);
	arrays[6] = t->uncertain;
	sizes[6] = (size_t)t->n_uncertain * sizeof *t->uncertain;
	return TALLY_ARRAYS;
}

void tally_reset(struct tally *t)
{
	struct tally layout = *t;
	memset(t, 0, sizeof *t);
	restore_layout(t, &layout);
	void *arrays[TALLY_ARRAYS];
	size_t sizes[TALLY_ARRAYS];
	for (int i = tally_arrays(t, arrays, sizes) - 1; i >= 0; i--)
		memset(arrays[i], 0, sizes[i]);
}

size_t tally_packed_size(const struct tally *t)
{
	void *arrays[TALLY_ARRAYS];
	size_t sizes[TALLY_ARRAYS], total = sizeof *t;
	for (int i = tally_arrays(t, arrays, sizes) - 1; i >= 0; i--)
		total += sizes[i];
	return total;
}

void tally_pack(const struct tally *t, unsigned char *out)
{
	void *arrays[TALLY_ARRAYS];
	size_t sizes[TALLY_ARRAYS];
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
	void *arrays[TALLY_ARRAYS];
	size_t sizes[TALLY_ARRAYS];
	int n = tally_arrays(t, arrays, sizes);
	for (int i = 0; i < n; i++) {
		memcpy(arrays[i], in, sizes[i]);
		in += sizes[i];
	}
}

void tally_add(struct tally *t, const struct scenario *s, const struct outcome *o)
{
	t->n++;
	moments_push(&t->total, t->n, o->total);
	moments_push(&t->year, t->n, o->year);
	for (int i = 0; i < COMPONENT_COUNT; i++)
		moments_push(&t->component[i], t->n, o->component[i]);

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
		t->below_band[i] += o->year < s->pass.bands[i]; /* bands are on the annual score */

	t->rectification_sum += o->rectification;
	for (int d = 0; d < t->n_districts; d++) {
		t->district_points_lost_sum[d] += o->district_points_lost[d];
		t->district_sites_sum[d] += o->district_sites[d];
		t->district_rank_last_sum[d] += o->district_rank_last[d];
		t->district_rank_bottom_sum[d] += o->district_rank_bottom[d];
	}
	for (int c = 0; c < t->n_categories; c++)
		t->category_points_lost_sum[c] += o->category_points_lost[c];

	/* Welford's co-moment: the old mean of U, Total's new one */
	for (int k = 0; k < t->n_uncertain && k < o->n_uncertain; k++) {
		struct tally_input *in = &t->uncertain[k];
		double u = o->uncertain_u[k];
		double du = u - in->u.mean;
		moments_push(&in->u, t->n, u);
		moments_push(&in->value, t->n, o->uncertain_value[k]);
		in->co_total += du * (o->total - t->total.mean);
		int third = u < 1.0 / 3.0 ? 0 : u < 2.0 / 3.0 ? 1 : 2;
		in->in_third[third]++;
		in->passes_in_third[third] += o->pass;
	}
}

/* Adds the inputs of FROM into INTO: before their Totals' moments merge. */
static void merge_inputs(struct tally *into, const struct tally *from)
{
	int64_t a = into->n, b = from->n;
	if (b == 0)
		return;
	double total_gap = from->total.mean - into->total.mean;
	for (int k = 0; k < into->n_uncertain; k++) {
		struct tally_input *x = &into->uncertain[k];
		const struct tally_input *y = &from->uncertain[k];
		double u_gap = y->u.mean - x->u.mean;
		x->co_total += y->co_total + u_gap * total_gap * ((double)a * (double)b / (double)(a + b));
		moments_merge(&x->u, a, &y->u, b);
		moments_merge(&x->value, a, &y->value, b);
		for (int i = 0; i < 3; i++) {
			x->in_third[i] += y->in_third[i];
			x->passes_in_third[i] += y->passes_in_third[i];
		}
	}
}

double tally_input_correlation(const struct tally *t, int k)
{
	const struct tally_input *in = &t->uncertain[k];
	double spread = in->u.m2 * t->total.m2;
	return spread > 0.0 ? in->co_total / sqrt(spread) : 0.0;
}

double tally_input_pass_share(const struct tally *t, int k, int third)
{
	const struct tally_input *in = &t->uncertain[k];
	return in->in_third[third] > 0 ? (double)in->passes_in_third[third] / (double)in->in_third[third]
				       : NAN;
}

void tally_merge(struct tally *into, const struct tally *from)
{
	merge_inputs(into, from);
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
		into->district_rank_bottom_sum[d] += from->district_rank_bottom_sum[d];
	}
	for (int c = 0; c < into->n_categories; c++)
		into->category_points_lost_sum[c] += from->category_points_lost_sum[c];
}
