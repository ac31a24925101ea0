#include "decision_json.h"

#include <jansson.h>
#include <string.h>

#include "report.h"

static json_t *interval(double lo, double hi)
{
	return json_pack("[f, f]", lo, hi);
}

json_t *decision_json_header(const struct study_header *h)
{
	return json_pack("{s:s, s:s, s:i, s:s, s:I, s:I, s:i, s:i, s:f, s:o}", "command", h->command,
			 "ccsim_version", CCSIM_VERSION, "model_version", SCENARIO_MODEL_VERSION,
			 "scenario", h->scenario, "replications", (json_int_t)h->replications, "seed",
			 (json_int_t)h->seed, "threads", h->threads, "processes", h->processes,
			 "seconds", h->seconds, "warnings", report_warnings_json(h->warnings));
}

static json_t *settings_json(const struct parameter_setting *settings, int n)
{
	json_t *list = json_array();
	for (int i = 0; i < n; i++) {
		/* a policy's districts: the path, and the list as given ("[A, B]") */
		const char *names = scenario_setting_names(&settings[i]);
		if (names != NULL)
			json_array_append_new(list, json_pack("{s:s#, s:s#}", "path", settings[i].path,
							      (int)(names - 2 - settings[i].path), "value",
							      names - 1, (int)strcspn(names - 1, "]") + 1));
		else
			json_array_append_new(list, json_pack("{s:s, s:f}", "path", settings[i].path,
							      "value", settings[i].value));
	}
	return list;
}

static json_t *point_json(const struct design_point *p)
{
	return json_pack("{s:f, s:o, s:f, s:f}", "pass_probability", p->pass, "pass_ci95",
			 interval(p->lo, p->hi), "total_mean", p->total_mean, "total_sd", p->total_sd);
}

char *decision_json_compare(const struct compare_result *r)
{
	json_t *root = decision_json_header(&r->header);
	if (r->precision > 0.0) {
		json_object_set_new(root, "precision", json_real(r->precision));
		json_object_set_new(root, "precision_reached",
				    json_boolean(r->n > 0 && r->variants[0].result.precision_reached));
	}
	json_t *list = json_array();
	for (int v = 0; v < r->n; v++) {
		const struct compare_variant *c = &r->variants[v];
		const struct tally *t = c->result.tally;
		double lo, hi;
		wilson_interval(t->passes, t->n, Z95, &lo, &hi);
		json_t *item = json_pack("{s:s, s:o, s:f, s:o, s:{s:f, s:f}, s:o}", "name", c->name,
					 "settings", settings_json(c->settings, c->n_settings),
					 "pass_probability", study_pass_share(&c->result), "pass_ci95",
					 interval(lo, hi), "total", "mean", t->total.mean, "sd",
					 moments_sd(&t->total, t->n), "run",
					 report_json_object(c->scenario, &c->result, c->policies));
		if (v > 0) {
			const struct pairing *q = &c->pairing;
			double dp = q->pass_difference.mean;
			double dp_half = pairing_half_width(&q->pass_difference, q->n);
			double dt = q->total_difference.mean;
			double dt_half = pairing_half_width(&q->total_difference, q->n);
			json_object_set_new(item, "against_first",
					    json_pack("{s:f, s:o, s:f, s:o, s:f, s:f}", "pass_difference", dp,
						      "pass_difference_ci95", interval(dp - dp_half, dp + dp_half),
						      "total_difference", dt, "total_difference_ci95",
						      interval(dt - dt_half, dt + dt_half), "only_variant_passes",
						      (double)q->only_variant / (double)q->n, "only_first_passes",
						      (double)q->only_first / (double)q->n));
		}
		json_array_append_new(list, item);
	}
	json_object_set_new(root, "variants", list);
	return report_json_text(root);
}

char *decision_json_sweep(const struct sweep_result *r)
{
	json_t *root = decision_json_header(&r->header);
	json_t *parameters = json_array(), *points = json_array();
	for (int i = 0; i < r->n_parameters; i++) {
		const struct design_input *in = &r->parameters[i];
		json_t *values = json_array();
		for (int j = 0; j < in->steps; j++)
			json_array_append_new(values, json_real(design_value(in, (double)j / (in->steps - 1))));
		json_array_append_new(parameters, json_pack("{s:s, s:f, s:f, s:i, s:o}", "path", in->path,
							    "low", in->lo, "high", in->hi, "steps",
							    in->steps, "values", values));
	}
	for (int p = 0; p < r->n_points; p++) {
		json_t *values = json_array();
		for (int i = 0; i < r->n_parameters; i++)
			json_array_append_new(values, json_real(r->points[p].values[i]));
		json_t *item = point_json(&r->points[p].at);
		json_object_set_new(item, "values", values);
		json_array_append_new(points, item);
	}
	json_object_set_new(root, "parameters", parameters);
	json_object_set_new(root, "points", points);
	return report_json_text(root);
}

/* 1 when P(pass) is the same at every point the analysis ran (analysis.h):
 * its indices are then null and pass_varies false. */
static int pass_constant(const struct analysis_result *a)
{
	return !a->pass_varies;
}

static void tornado_json(const struct analysis_result *a, json_t *root)
{
	json_object_set_new(root, "base", point_json(&a->base));
	json_t *list = json_array();
	for (int r = 0; r < a->k; r++) {
		int i = a->order[r];
		const struct design_input *in = &a->inputs[i];
		double swing = a->high[i].pass - a->low[i].pass;
		double total = a->high[i].total_mean - a->low[i].total_mean;
		json_array_append_new(list, json_pack("{s:s, s:f, s:f, s:o, s:o, s:f, s:f}", "path",
						      in->path, "low", design_value(in, 0.0), "high",
						      design_value(in, 1.0), "at_low", point_json(&a->low[i]),
						      "at_high", point_json(&a->high[i]), "pass_swing", swing,
						      "total_swing", total));
		if (pass_constant(a))
			json_object_set_new(json_array_get(list, json_array_size(list) - 1), "pass_swing",
					    json_null());
	}
	if (pass_constant(a))
		json_object_set_new(root, "pass_varies", json_false());
	if (!a->total_varies) { /* no swing in the Total either */
		for (size_t i = 0; i < json_array_size(list); i++)
			json_object_set_new(json_array_get(list, i), "total_swing", json_null());
		json_object_set_new(root, "total_varies", json_false());
	}
	json_object_set_new(root, "inputs", list);
}

static void morris_json(const struct analysis_result *a, json_t *root)
{
	const struct analysis_morris *t = &a->morris_total, *p = &a->morris_pass;
	json_object_set_new(root, "trajectories", json_integer(a->trajectories));
	json_object_set_new(root, "levels", json_integer(a->levels));
	json_t *list = json_array();
	for (int i = 0; i < a->k; i++)
		json_array_append_new(list, json_pack("{s:s, s:f, s:f, s:{s:f, s:f, s:f}, s:{s:f, s:f, s:f}}",
			"path", a->inputs[i].path, "low", a->inputs[i].lo, "high", a->inputs[i].hi,
			"total", "mu_star", t->mu_star[i], "mu", t->mu[i], "sigma", t->sigma[i],
			"pass", "mu_star", p->mu_star[i], "mu", p->mu[i], "sigma", p->sigma[i]));
	if (pass_constant(a)) {
		for (size_t i = 0; i < json_array_size(list); i++)
			json_object_set_new(json_array_get(list, i), "pass", json_null());
		json_object_set_new(root, "pass_varies", json_false());
	}
	if (!a->total_varies) { /* nor the Total's */
		for (size_t i = 0; i < json_array_size(list); i++)
			json_object_set_new(json_array_get(list, i), "total", json_null());
		json_object_set_new(root, "total_varies", json_false());
	}
	json_object_set_new(root, "inputs", list);
}

/* Input I's indices of one output (null when the output did not vary), with
 * first_above_total when the first-order index lies above the total one
 * by more than their intervals allow. */
static json_t *indices_json(const struct analysis_sobol *x, int i, int varies, int first_above)
{
	if (!varies)
		return json_null();
	json_t *indices = json_pack("{s:f, s:o, s:f, s:o}", "first", x->first[i], "first_ci95",
				    interval(x->first_lo[i], x->first_hi[i]), "total", x->total[i],
				    "total_ci95", interval(x->total_lo[i], x->total_hi[i]));
	if (first_above)
		json_object_set_new(indices, "first_above_total", json_true());
	return indices;
}

static void sobol_json(const struct analysis_result *a, json_t *root)
{
	json_object_set_new(root, "samples", json_integer(a->samples));
	json_object_set_new(root, "bootstrap", json_integer(a->bootstrap));
	if (a->replicates > 0) /* randomized QMC: intervals from the designs' spread */
		json_object_set_new(root, "replicates", json_integer(a->replicates));
	json_t *list = json_array();
	for (int i = 0; i < a->k; i++)
		json_array_append_new(list, json_pack("{s:s, s:f, s:f, s:o, s:o}", "path", a->inputs[i].path,
						      "low", a->inputs[i].lo, "high", a->inputs[i].hi, "total",
						      indices_json(&a->sobol_total, i, a->total_varies,
								   a->first_above_total[0][i]),
						      "pass",
						      indices_json(&a->sobol_pass, i, a->pass_varies,
								   a->first_above_total[1][i])));
	if (!a->total_varies)
		json_object_set_new(root, "total_varies", json_false());
	if (!a->pass_varies)
		json_object_set_new(root, "pass_varies", json_false());
	json_object_set_new(root, "inputs", list);
}

char *decision_json_analysis(const struct analysis_result *a)
{
	json_t *root = decision_json_header(&a->header);
	json_object_set_new(root, "method", json_string(analysis_method_name(a->method)));
	if (a->method == ANALYSIS_TORNADO)
		tornado_json(a, root);
	else if (a->method == ANALYSIS_MORRIS)
		morris_json(a, root);
	else
		sobol_json(a, root);
	return report_json_text(root);
}

static json_t *solve_end_json(const struct solve_end *e)
{
	return json_pack("{s:f, s:f, s:o, s:f}", "value", e->value, "pass_probability", e->at.pass,
			 "pass_ci95", interval(e->at.lo, e->at.hi), "total_mean", e->at.total_mean);
}

char *decision_json_solve(const struct solve_result *r)
{
	json_t *root = decision_json_header(&r->header);
	json_object_set_new(root, "param", json_string(r->problem.path));
	json_object_set_new(root, "target", json_real(r->problem.target));
	json_object_set_new(root, "range", interval(r->problem.lo, r->problem.hi));
	json_object_set_new(root, "tolerance", json_real(r->problem.tolerance));
	json_object_set_new(root, "found", json_boolean(r->found));
	json_object_set_new(root, "evaluations", json_integer(r->evaluations));
	if (r->found) {
		json_object_set_new(root, "value", json_real(r->reached.value));
		json_object_set_new(root, "reached", solve_end_json(&r->reached));
		json_object_set_new(root, "missed", solve_end_json(&r->missed));
	} else {
		json_object_set_new(root, "value", json_null());
		json_object_set_new(root, "low", solve_end_json(&r->reached));
		json_object_set_new(root, "high", solve_end_json(&r->missed));
	}
	return report_json_text(root);
}
