#include "decision_csv.h"

#include "i18n.h"
#include "text_buffer.h"

char *decision_csv_compare(const struct compare_result *r)
{
	struct text_buffer csv = {0};
	text_buffer_printf(&csv, "%s\n",
			   _("variant,pass_probability,pass_ci95_lo,pass_ci95_hi,total_mean,total_sd,"
			     "pass_difference,pass_difference_ci95_lo,pass_difference_ci95_hi,"
			     "total_difference,total_difference_ci95_lo,total_difference_ci95_hi,"
			     "only_variant_passes,only_first_passes"));
	for (int v = 0; v < r->n; v++) {
		const struct compare_variant *c = &r->variants[v];
		const struct tally *t = c->result.tally;
		double lo, hi;
		wilson_interval(t->passes, t->n, Z95, &lo, &hi);
		text_buffer_csv_field(&csv, c->name);
		text_buffer_printf(&csv, ",%.10g,%.10g,%.10g,%.10g,%.10g",
			    study_pass_share(&c->result), lo, hi, t->total.mean,
			    moments_sd(&t->total, t->n));
		if (v == 0) {
			text_buffer_printf(&csv, ",,,,,,,,\n");
			continue;
		}
		const struct pairing *q = &c->pairing;
		double dp = q->pass_difference.mean;
		double dp_half = pairing_half_width(&q->pass_difference, q->n);
		double dt = q->total_difference.mean;
		double dt_half = pairing_half_width(&q->total_difference, q->n);
		text_buffer_printf(&csv, ",%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g\n", dp, dp - dp_half,
			    dp + dp_half, dt, dt - dt_half, dt + dt_half,
			    (double)q->only_variant / (double)q->n, (double)q->only_first / (double)q->n);
	}
	return text_buffer_take(&csv);
}

char *decision_csv_sweep(const struct sweep_result *r)
{
	struct text_buffer csv = {0};
	for (int i = 0; i < r->n_parameters; i++) {
		text_buffer_csv_field(&csv, r->parameters[i].path);
		text_buffer_printf(&csv, ",");
	}
	text_buffer_printf(&csv, "%s\n",
			   _("pass_probability,pass_ci95_lo,pass_ci95_hi,total_mean,total_sd"));
	for (int p = 0; p < r->n_points; p++) {
		const struct design_point *at = &r->points[p].at;
		for (int i = 0; i < r->n_parameters; i++)
			text_buffer_printf(&csv, "%.10g,", r->points[p].values[i]);
		text_buffer_printf(&csv, "%.10g,%.10g,%.10g,%.10g,%.10g\n", at->pass, at->lo, at->hi,
			    at->total_mean, at->total_sd);
	}
	return text_buffer_take(&csv);
}

static void tornado_csv(const struct analysis_result *a, struct text_buffer *csv)
{
	text_buffer_printf(csv, "%s\n",
			   _("path,low,high,pass_low,pass_high,total_low,total_high,pass_swing,total_swing"));
	for (int r = 0; r < a->k; r++) {
		int i = a->order[r];
		const struct design_input *in = &a->inputs[i];
		const struct design_point *low = &a->low[i], *high = &a->high[i];
		text_buffer_csv_field(csv, in->path);
		text_buffer_printf(csv, ",%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g\n",
			    design_value(in, 0.0), design_value(in, 1.0), low->pass, high->pass,
			    low->total_mean, high->total_mean, high->pass - low->pass,
			    high->total_mean - low->total_mean);
	}
}

static void morris_csv(const struct analysis_result *a, struct text_buffer *csv)
{
	const struct analysis_morris *t = &a->morris_total, *p = &a->morris_pass;
	text_buffer_printf(csv, "%s\n",
			   _("path,low,high,total_mu_star,total_mu,total_sigma,pass_mu_star,pass_mu,"
			     "pass_sigma"));
	for (int i = 0; i < a->k; i++) {
		text_buffer_csv_field(csv, a->inputs[i].path);
		text_buffer_printf(csv, ",%.10g,%.10g", a->inputs[i].lo, a->inputs[i].hi);
		if (a->total_varies) /* else no effect to give: empty fields */
			text_buffer_printf(csv, ",%.10g,%.10g,%.10g", t->mu_star[i], t->mu[i], t->sigma[i]);
		else
			text_buffer_printf(csv, ",,,");
		if (a->pass_varies) /* else no effect to give: empty fields */
			text_buffer_printf(csv, ",%.10g,%.10g,%.10g\n", p->mu_star[i], p->mu[i], p->sigma[i]);
		else
			text_buffer_printf(csv, ",,,\n");
	}
}

static void sobol_csv(const struct analysis_result *a, struct text_buffer *csv)
{
	text_buffer_printf(csv, "%s\n",
			   _("path,low,high,total_first,total_first_lo,total_first_hi,total_total,"
			     "total_total_lo,total_total_hi,pass_first,pass_first_lo,pass_first_hi,"
			     "pass_total,pass_total_lo,pass_total_hi"));
	const struct analysis_sobol *both[2] = {&a->sobol_total, &a->sobol_pass};
	for (int i = 0; i < a->k; i++) {
		text_buffer_csv_field(csv, a->inputs[i].path);
		text_buffer_printf(csv, ",%.10g,%.10g", a->inputs[i].lo, a->inputs[i].hi);
		for (int b = 0; b < 2; b++) {
			if (!(b == 0 ? a->total_varies : a->pass_varies)) {
				text_buffer_printf(csv, ",,,,,,"); /* an output that did not vary: no index */
				continue;
			}
			text_buffer_printf(csv, ",%.10g,%.10g,%.10g,%.10g,%.10g,%.10g", both[b]->first[i],
				    both[b]->first_lo[i], both[b]->first_hi[i], both[b]->total[i],
				    both[b]->total_lo[i], both[b]->total_hi[i]);
		}
		text_buffer_printf(csv, "\n");
	}
}

char *decision_csv_analysis(const struct analysis_result *a)
{
	struct text_buffer csv = {0};
	if (a->method == ANALYSIS_TORNADO)
		tornado_csv(a, &csv);
	else if (a->method == ANALYSIS_MORRIS)
		morris_csv(a, &csv);
	else
		sobol_csv(a, &csv);
	return text_buffer_take(&csv);
}

