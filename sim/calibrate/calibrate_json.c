#include "calibrate_json.h"

#include "calibrate_text.h"
#include "i18n.h"

/* Adds VALUE under KEY; counts a failure in *FAILED. */
static void put(json_t *object, const char *key, json_t *value, int *failed)
{
	if (value == NULL || json_object_set_new(object, key, value) != 0)
		*failed = 1;
}

static json_t *rate_json(const struct rate_posterior *p, double was, int *failed)
{
	json_t *o = json_object();
	put(o, "was", json_real(was), failed);
	put(o, "estimate", json_real(p->mean), failed);
	put(o, "low", json_real(p->low), failed);
	put(o, "high", json_real(p->high), failed);
	put(o, "alpha", json_real(p->alpha), failed);
	put(o, "beta", json_real(p->beta), failed);
	put(o, "prior_alpha", json_real(p->prior_alpha), failed);
	put(o, "prior_beta", json_real(p->prior_beta), failed);
	put(o, "successes", json_integer(p->successes), failed);
	put(o, "trials", json_integer(p->trials), failed);
	return o;
}

static json_t *prior_json(const struct pooling_fit *f, int *failed)
{
	json_t *o = json_object();
	put(o, "alpha", json_real(f->alpha), failed);
	put(o, "beta", json_real(f->beta), failed);
	put(o, "mean", json_real(f->alpha / (f->alpha + f->beta)), failed);
	put(o, "concentration", json_real(f->alpha + f->beta), failed);
	put(o, "districts", json_integer(f->districts), failed);
	put(o, "successes", json_integer(f->successes), failed);
	put(o, "trials", json_integer(f->trials), failed);
	put(o, "log_likelihood", json_real(f->log_likelihood), failed);
	put(o, "capped", json_boolean(f->capped), failed);
	put(o, "fitted", json_boolean(f->fitted), failed);
	return o;
}

static json_t *fit_json(const struct cell_estimate *e, int *failed)
{
	json_t *o = json_object();
	put(o, "inside", json_integer(e->inside), failed);
	put(o, "share", json_real(e->share), failed);
	put(o, "flagged", json_boolean(e->flagged), failed);
	json_t *week = json_array(), *open = json_array(), *low = json_array(), *median = json_array(),
	       *high = json_array();
	for (int t = 0; t < e->weeks; t++) {
		*failed |= json_array_append_new(week, json_integer(e->rows[t].week)) != 0;
		*failed |= json_array_append_new(open, json_integer(e->rows[t].open)) != 0;
		*failed |= json_array_append_new(low, json_integer(e->band[3 * t])) != 0;
		*failed |= json_array_append_new(median, json_integer(e->band[3 * t + 1])) != 0;
		*failed |= json_array_append_new(high, json_integer(e->band[3 * t + 2])) != 0;
	}
	put(o, "week", week, failed);
	put(o, "open", open, failed);
	put(o, "low", low, failed);
	put(o, "median", median, failed);
	put(o, "high", high, failed);
	return o;
}

static json_t *cell_json(const struct scenario *s, const struct cell_estimate *e, int *failed)
{
	json_t *o = json_object();
	put(o, "district", json_string(s->districts[e->district].name), failed);
	put(o, "category", json_string(s->categories[e->category].name), failed);
	put(o, "first_week", json_integer(e->first_week), failed);
	put(o, "weeks", json_integer(e->weeks), failed);
	put(o, "open_before", json_integer(e->open_before), failed);
	json_t *problems = json_object();
	put(problems, "was", json_integer(e->was.problems), failed);
	put(problems, "estimate", json_integer(e->open_last), failed);
	put(o, "problems", problems, failed);
	put(o, "rectify_rate", rate_json(&e->rectify, e->was.rectify_rate, failed), failed);
	put(o, "rebound", rate_json(&e->rebound, e->was.rebound, failed), failed);
	json_t *arrivals = json_object();
	put(arrivals, "was", json_real(e->was.new_per_week), failed);
	put(arrivals, "estimate", json_real(e->arrivals.mean), failed);
	put(arrivals, "low", json_real(e->arrivals.low), failed);
	put(arrivals, "high", json_real(e->arrivals.high), failed);
	put(arrivals, "shape", json_real(e->arrivals.shape), failed);
	put(arrivals, "rate", json_real(e->arrivals.rate), failed);
	put(arrivals, "found", json_integer(e->arrivals.total), failed);
	put(o, "new_per_week", arrivals, failed);
	put(o, "fit", fit_json(e, failed), failed);
	return o;
}

json_t *calibrate_json(const struct scenario *s, const struct reports *r, const struct calibration *c,
		       const struct calibrate_files *files)
{
	int failed = 0;
	json_t *root = json_object();
	if (root == NULL)
		return NULL;
	put(root, "command", json_string("calibrate"), &failed);
	put(root, "ccsim_version", json_string(CCSIM_VERSION), &failed);
	put(root, "scenario", json_string(files->scenario), &failed);
	put(root, "reports", json_string(files->reports), &failed);
	put(root, "overlay", json_string(files->overlay), &failed);
	put(root, "encoding", json_string(r->encoding), &failed);
	put(root, "rows", json_integer(c->n_rows), &failed);
	put(root, "weeks", json_pack("[i, i]", c->first_week, c->last_week), &failed);
	put(root, "pooled", json_boolean(c->pooled), &failed);
	put(root, "point", json_boolean(files->point), &failed);
	put(root, "prior", json_pack("{s:{s:f, s:f}, s:{s:f, s:f}, s:{s:f, s:f}}", "rectify_rate", "alpha",
				     CALIBRATE_PRIOR, "beta", CALIBRATE_PRIOR, "rebound", "alpha",
				     CALIBRATE_PRIOR, "beta", CALIBRATE_PRIOR, "new_per_week", "shape",
				     CALIBRATE_GAMMA_SHAPE, "rate", 0.0),
	    &failed);
	json_t *priors = json_array();
	for (int k = 0; c->pooled && k < s->n_categories; k++) {
		json_t *p = json_object();
		put(p, "category", json_string(s->categories[k].name), &failed);
		put(p, "rectify_rate", prior_json(&c->rectify_prior[k], &failed), &failed);
		put(p, "rebound", prior_json(&c->rebound_prior[k], &failed), &failed);
		failed |= json_array_append_new(priors, p) != 0;
	}
	put(root, "pooled_priors", priors, &failed);
	put(root, "fit_check",
	    json_pack("{s:f, s:f, s:i, s:I, s:i, s:i}", "band", CALIBRATE_BAND_PERCENT / 100.0,
		      "flag_below", CALIBRATE_FLAG_BELOW, "draws", c->draws, "seed", (json_int_t)c->seed,
		      "cells", c->n_cells, "flagged", c->flagged),
	    &failed);
	json_t *cells = json_array();
	for (int i = 0; i < c->n_cells; i++)
		failed |= json_array_append_new(cells, cell_json(s, &c->cells[i], &failed)) != 0;
	put(root, "cells", cells, &failed);
	if (failed) {
		json_decref(root);
		return NULL;
	}
	return root;
}

char *calibrate_csv(const struct scenario *s, const struct calibration *c)
{
	struct text_buffer b = {0};
	text_buffer_printf(&b, "%s\n",
			   _("district,category,first_week,weeks,open_before,problems_was,problems,"
			     "rectify_rate_was,rectify_rate,rectify_rate_low,rectify_rate_high,"
			     "rectify_alpha,rectify_beta,rebound_was,rebound,rebound_low,rebound_high,"
			     "rebound_alpha,rebound_beta,new_per_week_was,new_per_week,"
			     "new_per_week_low,new_per_week_high,new_shape,new_rate,"
			     "fit_inside,fit_share,flagged"));
	for (int i = 0; i < c->n_cells; i++) {
		const struct cell_estimate *e = &c->cells[i];
		calibrate_text_csv_field(&b, s->districts[e->district].name);
		text_buffer_printf(&b, ",");
		calibrate_text_csv_field(&b, s->categories[e->category].name);
		text_buffer_printf(&b, ",%d,%d,%lld,%lld,%lld", e->first_week, e->weeks,
				   (long long)e->open_before, (long long)e->was.problems,
				   (long long)e->open_last);
		const struct rate_posterior *rates[2] = {&e->rectify, &e->rebound};
		double was[2] = {e->was.rectify_rate, e->was.rebound};
		for (int k = 0; k < 2; k++) {
			double values[] = {was[k], rates[k]->mean, rates[k]->low, rates[k]->high,
					   rates[k]->alpha, rates[k]->beta};
			for (size_t v = 0; v < sizeof values / sizeof *values; v++) {
				text_buffer_printf(&b, ",");
				calibrate_text_real(&b, values[v]);
			}
		}
		double arrivals[] = {e->was.new_per_week, e->arrivals.mean, e->arrivals.low,
				     e->arrivals.high, e->arrivals.shape, e->arrivals.rate};
		for (size_t v = 0; v < sizeof arrivals / sizeof *arrivals; v++) {
			text_buffer_printf(&b, ",");
			calibrate_text_real(&b, arrivals[v]);
		}
		text_buffer_printf(&b, ",%d,", e->inside);
		calibrate_text_real(&b, e->share);
		text_buffer_printf(&b, ",%s\n", e->flagged ? "true" : "false");
	}
	return text_buffer_take(&b);
}
