#include "report.h"
#include "i18n.h"
#include "table.h"
#include "text_buffer.h"
#include "uncertain.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Quantiles reported for Total, with their JSON keys. */
static const struct {
	const char *key;
	double p;
} quantiles[] = {{"p05", 0.05}, {"p25", 0.25}, {"p50", 0.50}, {"p75", 0.75}, {"p95", 0.95}};
#define N_QUANTILES 5

/* Shares of the whole run, computed once for both the summary and the JSON. */
struct digest {
	double n;
	double pass, pass_lo, pass_hi;
	double survey_veto, negative_veto, minors_veto;
	double quantile[N_QUANTILES];
	int64_t failures;
};

static double share(int64_t count, double n)
{
	return n > 0.0 ? (double)count / n : 0.0;
}

static void digest(const struct run_result *r, struct digest *g)
{
	const struct tally *t = r->tally;
	g->n = (double)t->n;
	g->pass = share(t->passes, g->n);
	wilson_interval(t->passes, t->n, Z95, &g->pass_lo, &g->pass_hi);
	g->survey_veto = share(t->survey_vetoes, g->n);
	g->negative_veto = share(t->negative_vetoes, g->n);
	g->minors_veto = share(t->minors_vetoes, g->n);
	for (int i = 0; i < N_QUANTILES; i++)
		g->quantile[i] = histogram_quantile(r->histogram, quantiles[i].p);
	g->failures = t->n - t->passes;
}

/* ---- JSON -------------------------------------------------------------- */

static json_t *mean_sd(const struct moments *m, int64_t n)
{
	return json_pack("{s:f, s:f}", "mean", m->mean, "sd", moments_sd(m, n));
}

/* The histogram's counts from the first to the last non-empty bin. */
static json_t *histogram_json(const struct histogram *h)
{
	int64_t first = 0, last = h->bins - 1;
	while (first < h->bins && h->counts[first] == 0)
		first++;
	while (last > first && h->counts[last] == 0)
		last--;
	json_t *counts = json_array();
	for (int64_t i = first; i <= last && first < h->bins; i++)
		json_array_append_new(counts, json_integer((json_int_t)h->counts[i]));
	return json_pack("{s:f, s:f, s:o}", "lo",
			 (double)(h->base + first) / SCENARIO_HISTOGRAM_BINS_PER_POINT, "width",
			 1.0 / SCENARIO_HISTOGRAM_BINS_PER_POINT, "counts", counts);
}

static json_t *failure_causes_json(const struct tally *t, int64_t failures)
{
	double n = (double)failures;
	return json_pack("{s:I, s:f, s:f, s:f, s:f, s:f}", "failures", (json_int_t)failures,
			 "survey_veto", share(t->fails_survey_veto, n), "negative_veto",
			 share(t->fails_negative_veto, n), "minors_veto", share(t->fails_minors_veto, n),
			 "below_threshold", share(t->fails_below_threshold, n), "outranked",
			 share(t->fails_outranked, n));
}

static json_t *policies_json(const struct scenario *s, const struct policy_summary *policies)
{
	json_t *list = json_array();
	for (int i = 0; policies != NULL && i < s->n_policies; i++)
		json_array_append_new(list, json_pack("{s:s, s:s, s:f}", "name", policies[i].name,
						      "plugin", policies[i].plugin, "cost",
						      policies[i].cost));
	return list;
}

/* The ranking rule the districts' rank probabilities follow: {by, bottom}. */
static json_t *ranking_json(const struct scenario *s)
{
	return json_pack("{s:s, s:I}", "by", s->ranking.by == RANKING_PER_SITE ? "per_site" : "points_lost",
			 "bottom", (json_int_t)s->ranking.bottom);
}

/* A share that may be undefined (NAN: no replication): null in the JSON. */
static json_t *share_or_null(double p)
{
	return isnan(p) ? json_null() : json_real(p);
}

/* One entry per uncertain input (docs/model.md 3.12). */
static json_t *uncertain_json(const struct scenario *s, const struct tally *t)
{
	json_t *inputs = json_array();
	for (int k = 0; k < t->n_uncertain; k++) {
		const struct tally_input *in = &t->uncertain[k];
		json_t *thirds = json_array();
		for (int i = 0; i < 3; i++)
			json_array_append_new(thirds, share_or_null(tally_input_pass_share(t, k, i)));
		json_array_append_new(
			inputs, json_pack("{s:s, s:f, s:f, s:f, s:o}", "path", uncertain_path(s->uncertain, k),
					  "mean", in->value.mean, "sd", moments_sd(&in->value, t->n),
					  "correlation_total", tally_input_correlation(t, k),
					  "pass_by_tercile", thirds));
	}
	return inputs;
}

json_t *report_warnings_json(const struct diag *warnings)
{
	json_t *list = json_array();
	for (int i = 0; warnings != NULL && i < warnings->count; i++) {
		const struct diag_entry *e = &warnings->entries[i];
		const char *file = e->file ? e->file : warnings->file;
		json_array_append_new(list, json_pack("{s:s, s:i, s:s}", "file", file ? file : "",
						      "line", e->line, "message", e->message));
	}
	return list;
}

static json_t *build_json(const struct scenario *s, const struct run_result *r,
			  const struct policy_summary *policies)
{
	const struct tally *t = r->tally;
	struct digest g;
	digest(r, &g);

	json_t *root = json_object();
	json_object_set_new(root, "ccsim_version", json_string(CCSIM_VERSION));
	json_object_set_new(root, "model_version", json_integer(SCENARIO_MODEL_VERSION));
	json_object_set_new(root, "scenario", json_string(s->name));
	json_object_set_new(root, "replications", json_integer((json_int_t)t->n));
	json_object_set_new(root, "seed", json_integer((json_int_t)r->seed));
	json_object_set_new(root, "threads", json_integer(r->threads));
	json_object_set_new(root, "processes", json_integer(r->processes));
	json_object_set_new(root, "warnings", report_warnings_json(&s->warnings));
	json_object_set_new(root, "seconds", json_real(r->seconds));
	json_object_set_new(root, "complete", json_boolean(r->complete));
	if (r->precision > 0.0) { /* --precision: what was asked, and whether it was reached */
		json_object_set_new(root, "precision", json_real(r->precision));
		json_object_set_new(root, "precision_reached", json_boolean(r->precision_reached));
		json_object_set_new(root, "precision_half_width", json_real(r->half_width));
	}
	json_object_set_new(root, "pass_rule",
			    json_string(s->pass.rule == PASS_THRESHOLD ? "threshold" : "competition"));
	if (s->pass.rule == PASS_THRESHOLD)
		json_object_set_new(root, "threshold", json_real(s->pass.threshold));
	else
		json_object_set_new(root, "slots", json_integer((json_int_t)s->pass.slots));
	json_object_set_new(root, "pass_probability", json_real(g.pass));
	json_object_set_new(root, "pass_ci95", json_pack("[f, f]", g.pass_lo, g.pass_hi));
	json_object_set_new(root, "survey_veto_probability", json_real(g.survey_veto));
	json_object_set_new(root, "negative_veto_probability", json_real(g.negative_veto));
	json_object_set_new(root, "minors_veto_probability", json_real(g.minors_veto));
	json_object_set_new(root, "failure_causes", failure_causes_json(t, g.failures));

	json_t *bands = json_array();
	for (int i = 0; i < s->pass.n_bands; i++)
		json_array_append_new(bands, json_pack("{s:f, s:f}", "below", s->pass.bands[i],
						       "probability", share(t->below_band[i], g.n)));
	json_object_set_new(root, "bands", bands);

	json_t *total = mean_sd(&t->total, t->n);
	for (int i = 0; i < N_QUANTILES; i++)
		json_object_set_new(total, quantiles[i].key, json_real(g.quantile[i]));
	json_object_set_new(total, "histogram", histogram_json(r->histogram));
	json_object_set_new(root, "total", total);
	json_object_set_new(root, "year", mean_sd(&t->year, t->n));

	json_t *components = json_object();
	for (int i = 0; i < COMPONENT_COUNT; i++)
		json_object_set_new(components, replication_component_names[i], mean_sd(&t->component[i], t->n));
	json_object_set_new(root, "components", components);
	json_object_set_new(root, "rectification_rate",
			    json_pack("{s:f}", "mean", g.n > 0 ? t->rectification_sum / g.n : 0.0));

	json_t *districts = json_array();
	for (int d = 0; d < s->n_districts; d++)
		json_array_append_new(districts,
				      json_pack("{s:s, s:f, s:f, s:f, s:f}", "name", s->districts[d].name,
						"points_lost", t->district_points_lost_sum[d] / g.n,
						"sites_inspected", t->district_sites_sum[d] / g.n,
						"rank_last_probability", t->district_rank_last_sum[d] / g.n,
						"rank_bottom_probability", t->district_rank_bottom_sum[d] / g.n));
	json_object_set_new(root, "districts", districts);
	json_object_set_new(root, "ranking", ranking_json(s));

	json_t *categories = json_array();
	for (int c = 0; c < s->n_categories; c++)
		json_array_append_new(categories,
				      json_pack("{s:s, s:f}", "name", s->categories[c].name,
						"points_lost", t->category_points_lost_sum[c] / g.n));
	json_object_set_new(root, "categories", categories);
	json_object_set_new(root, "policies", policies_json(s, policies));
	if (t->n_uncertain > 0)
		json_object_set_new(root, "uncertain", uncertain_json(s, t));
	return root;
}

json_t *report_json_object(const struct scenario *s, const struct run_result *r,
			   const struct policy_summary *policies)
{
	return r->tally->n > 0 ? build_json(s, r, policies) : NULL;
}

char *report_json_text(json_t *root)
{
	char *text = root ? json_dumps(root, JSON_INDENT(2) | JSON_REAL_PRECISION(15)) : NULL;
	json_decref(root);
	if (text == NULL)
		return NULL;
	/* End the file with a newline, as text files do. */
	size_t length = strlen(text);
	char *with_newline = realloc(text, length + 2);
	if (with_newline == NULL) {
		free(text);
		return NULL;
	}
	with_newline[length] = '\n';
	with_newline[length + 1] = '\0';
	return with_newline;
}

char *report_json(const struct scenario *s, const struct run_result *r,
		  const struct policy_summary *policies)
{
	return r->tally->n > 0 ? report_json_text(build_json(s, r, policies)) : NULL;
}

/* ---- the resolved scenario ------------------------------------------------ */

static json_t *reals_json(const double *values, int n)
{
	json_t *list = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(list, json_real(values[i]));
	return list;
}

/* Adds to OBJECT every stored key of RECORD whose pattern begins with
 * SECTION + '.' (NULL: any), under its own name, typed as the schema says. */
static void add_fields(json_t *object, const struct scenario *s, enum scenario_record record,
		       const char *section, int item, int category)
{
	size_t n = section ? strlen(section) : 0;
	for (const struct scenario_key *k = scenario_schema_next(NULL, record, 0); k != NULL;
	     k = scenario_schema_next(k, record, 0)) {
		if (section != NULL && (strncmp(k->path, section, n) != 0 || k->path[n] != '.'))
			continue;
		double value = scenario_value_get(s, k, item, category);
		char choice[64];
		if (k->storage == SCENARIO_STORE_CHOICE) {
			scenario_key_choice(k, (int)value, choice, sizeof choice);
			json_object_set_new(object, scenario_key_name(k), json_string(choice));
			continue;
		}
		json_t *v = k->type == SCENARIO_TYPE_BOOLEAN   ? json_boolean(value != 0.0)
			    : k->type == SCENARIO_TYPE_INTEGER ? json_integer((json_int_t)value)
							       : json_real(value);
		json_object_set_new(object, scenario_key_name(k), v);
	}
}

/* The entries of RECORD, each {name, fields...}. */
static json_t *records_json(const struct scenario *s, enum scenario_record record,
			    const char *(*name_of)(const struct scenario *, int))
{
	json_t *list = json_array();
	for (int i = 0; i < scenario_record_count(s, record); i++) {
		json_t *entry = json_pack("{s:s}", "name", name_of(s, i));
		add_fields(entry, s, record, NULL, i, -1);
		json_array_append_new(list, entry);
	}
	return list;
}

static const char *category_name(const struct scenario *s, int i) { return s->categories[i].name; }
static const char *material_name(const struct scenario *s, int i) { return s->materials[i].name; }
static const char *negative_name(const struct scenario *s, int i) { return s->negatives[i].name; }
static const char *honor_name(const struct scenario *s, int i) { return s->bonus.honors[i].name; }
static const char *competitor_name(const struct scenario *s, int i)
{
	return s->pass.competitors[i].name;
}

static json_t *section_json(const struct scenario *s, const char *section)
{
	json_t *object = json_object();
	add_fields(object, s, SCENARIO_RECORD_ROOT, section, 0, -1);
	return object;
}

/* The levers of optimize (docs/model.md 9) as the file gave them. */
static json_t *levers_json(const struct scenario *s)
{
	json_t *list = json_array();
	for (int i = 0; i < s->n_levers; i++) {
		const struct lever *l = &s->levers[i];
		json_array_append_new(list, json_pack("{s:s, s:i, s:s, s:f, s:f, s:f}", "name", l->name,
						      "policy", l->policy, "param", l->param,
						      "unit_cost", l->unit_cost, "step", l->step,
						      "max", l->max));
	}
	return list;
}

json_t *report_scenario_json(const struct scenario *s)
{
	/* the survey's allocation, as replications read it */
	struct diag problems;
	diag_init(&problems, "");
	struct scenario_compiled *model = scenario_compile(s, &problems);
	diag_free(&problems);
	if (model == NULL)
		return NULL;
	json_t *districts = json_array();
	for (int d = 0; d < s->n_districts; d++) {
		json_t *cells = json_array();
		for (int c = 0; c < s->n_categories; c++) {
			json_t *cell = json_object();
			add_fields(cell, s, SCENARIO_RECORD_CELL, NULL, d, c);
			json_array_append_new(cells, cell);
		}
		json_t *district = json_pack("{s:s, s:I, s:o}", "name", s->districts[d].name,
					     "respondents", (json_int_t)model->respondents[d],
					     "cells", cells);
		add_fields(district, s, SCENARIO_RECORD_DISTRICT, NULL, d, -1);
		json_array_append_new(districts, district);
	}
	scenario_compiled_free(model);
	json_t *minors = s->minors.present ? section_json(s, "minors") : json_null();
	json_t *history = json_null();
	if (s->history.present) {
		history = section_json(s, "history");
		json_object_set_new(history, "scores", reals_json(s->history.scores, s->history.n));
		json_object_set_new(history, "weights", reals_json(s->history.weights, s->history.n));
	}
	json_t *pass = section_json(s, "pass");
	json_object_set_new(pass, "rule",
			    json_string(s->pass.rule == PASS_THRESHOLD ? "threshold" : "competition"));
	json_object_set_new(pass, "bands", reals_json(s->pass.bands, s->pass.n_bands));
	json_object_set_new(pass, "competitors",
			    records_json(s, SCENARIO_RECORD_COMPETITOR, competitor_name));
	json_t *bonus = section_json(s, "bonus");
	json_object_set_new(bonus, "honors", records_json(s, SCENARIO_RECORD_HONOR, honor_name));

	json_t *root = json_pack("{s:s, s:i, s:[i, i]}", "name", s->name, "model_version",
				 SCENARIO_MODEL_VERSION, "window", s->window_first, s->window_last);
	if (root == NULL)
		return NULL;
	add_fields(root, s, SCENARIO_RECORD_ROOT, "campaign", 0, -1);
	add_fields(root, s, SCENARIO_RECORD_ROOT, "inspection", 0, -1);
	json_object_set_new(root, "categories", records_json(s, SCENARIO_RECORD_CATEGORY, category_name));
	json_object_set_new(root, "districts", districts);
	json_object_set_new(root, "materials", records_json(s, SCENARIO_RECORD_MATERIAL, material_name));
	json_object_set_new(root, "survey", section_json(s, "survey"));
	json_object_set_new(root, "overall", section_json(s, "overall"));
	json_object_set_new(root, "negative_list", records_json(s, SCENARIO_RECORD_NEGATIVE, negative_name));
	json_object_set_new(root, "bonus", bonus);
	json_object_set_new(root, "minors", minors);
	json_object_set_new(root, "history", history);
	json_object_set_new(root, "pass", pass);
	json_object_set_new(root, "ranking", section_json(s, "ranking"));
	if (s->budget.present)
		json_object_set_new(root, "budget", json_pack("{s:f, s:s}", "total", s->budget.total,
							      "unit", s->budget.unit));
	if (s->n_levers > 0)
		json_object_set_new(root, "levers", levers_json(s));
	json_object_set_new(root, "warnings", report_warnings_json(&s->warnings));
	return root;
}

/* ---- CSV ---------------------------------------------------------------- */

char *report_tables_csv(const struct scenario *s, const struct run_result *r)
{
	const struct tally *t = r->tally;
	double n = t->n > 0 ? (double)t->n : 1.0;
	struct text_buffer csv = {0};
	text_buffer_printf(&csv, "%s\n",
			   _("table,name,points_lost,sites_inspected,rank_last_probability,"
			     "rank_bottom_probability"));
	for (int d = 0; d < s->n_districts; d++) {
		text_buffer_printf(&csv, "%s,", _("district"));
		text_buffer_csv_field(&csv, s->districts[d].name);
		text_buffer_printf(&csv, ",%.10g,%.10g,%.10g,%.10g\n", t->district_points_lost_sum[d] / n,
				   t->district_sites_sum[d] / n, t->district_rank_last_sum[d] / n,
				   t->district_rank_bottom_sum[d] / n);
	}
	for (int c = 0; c < s->n_categories; c++) {
		text_buffer_printf(&csv, "%s,", _("category"));
		text_buffer_csv_field(&csv, s->categories[c].name);
		text_buffer_printf(&csv, ",%.10g,,,\n", t->category_points_lost_sum[c] / n);
	}
	return text_buffer_take(&csv);
}

/* ---- the planner's summary --------------------------------------------- */

/* Indices 0..n-1 ordered by VALUE, largest first (ties by index). */
static int *order_by_value(const double *value, int n)
{
	int *order = malloc((size_t)(n ? n : 1) * sizeof *order);
	if (order == NULL)
		return NULL;
	for (int i = 0; i < n; i++) {
		int j = i;
		while (j > 0 && value[order[j - 1]] < value[i]) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
	}
	return order;
}

/* A line "  LABEL  P %" of a table, the label padded to WIDTH display columns. */
static void print_percent(FILE *out, const char *label, double p, int width)
{
	char fitted[256];
	int shown = table_fit(label, width, fitted, sizeof fitted);
	fprintf(out, "  %s%*s %6.2f %%\n", fitted, width - shown, "", 100.0 * p);
}

/* The component's name as the summary shows it (translated). */
static const char *component_label(int i)
{
	static const char *const labels[COMPONENT_COUNT] = {
		N_("field inspection"), N_("materials"),     N_("survey"),
		N_("overall impression"), N_("bonus"),       N_("negative list"),
		N_("minors' test"),     N_("satisfaction")};
	return _(labels[i]);
}

/* Pass probability, and for the threshold rule the gap to it and the
 * Total a 90 % pass probability needs. */
static void print_pass(FILE *out, const struct scenario *s, const struct run_result *r,
		       const struct digest *g)
{
	const char *total = s->history.present ? _("three-year Total") : _("Total");
	if (s->pass.rule == PASS_THRESHOLD)
		fprintf(out, _("Pass probability (%s >= %g, no veto)\n"), total, s->pass.threshold);
	else
		fprintf(out, _("Pass probability (among the best %lld of %d rivals, no veto)\n"),
			(long long)s->pass.slots, s->pass.n_competitors);
	fprintf(out, _("  %6.2f %%   95 %% interval [%.2f %%, %.2f %%]\n"), 100.0 * g->pass,
		100.0 * g->pass_lo, 100.0 * g->pass_hi);
	if (s->pass.rule != PASS_THRESHOLD)
		return;
	double median = g->quantile[2];
	fprintf(out, _("  Gap to the threshold: median %s %.2f - threshold %g = %+.2f points\n"), total,
		median, s->pass.threshold, median - s->pass.threshold);
	double vetoed = 1.0 - (1.0 - g->survey_veto) * (1.0 - g->negative_veto) * (1.0 - g->minors_veto);
	double p10 = histogram_quantile(r->histogram, 0.10);
	if (vetoed >= 0.10)
		fprintf(out, _("  A 90 %% pass probability is out of reach by the score alone: vetoes end "
			       "%.1f %% of the replications\n"), 100.0 * vetoed);
	else if (p10 >= s->pass.threshold)
		fprintf(out, _("  For a 90 %% pass probability the %s already suffices: its 10 %% point "
			       "%.2f is above the threshold\n"), total, p10);
	else
		fprintf(out, _("  For a 90 %% pass probability the %s needs %+.2f points more (its 10 %% "
			       "point, %.2f, must reach %g; vetoes aside)\n"), total,
			s->pass.threshold - p10, p10, s->pass.threshold);
}

/* With --precision: whether the half-width asked for was reached, and if
 * not, what to do. */
static void print_precision(FILE *out, const struct run_result *r)
{
	if (!(r->precision > 0.0) || !r->complete)
		return;
	if (r->precision_reached)
		fprintf(out, _("  Precision ±%.2f %% reached after %lld replications (±%.2f %%)\n"),
			100.0 * r->precision, (long long)r->tally->n, 100.0 * r->half_width);
	else
		fprintf(out, _("  Precision ±%.2f %% not reached: ±%.2f %% after %lld replications; "
			       "raise --max-reps (or --reps)\n"),
			100.0 * r->precision, 100.0 * r->half_width, (long long)r->tally->n);
}

static void print_causes(FILE *out, const struct scenario *s, const struct tally *t,
			 const struct digest *g)
{
	const int width = 34;
	fprintf(out, _("\nVetoes (share of all replications)\n"));
	print_percent(out, _("survey satisfaction"), g->survey_veto, width);
	print_percent(out, _("negative list"), g->negative_veto, width);
	print_percent(out, _("minors' test"), g->minors_veto, width);
	if (g->failures > 0) {
		double f = (double)g->failures;
		fprintf(out, _("Why the failed replications failed (share of the failures; one may have "
			       "several causes)\n"));
		print_percent(out, _("survey veto"), share(t->fails_survey_veto, f), width);
		print_percent(out, _("negative-list veto"), share(t->fails_negative_veto, f), width);
		print_percent(out, _("minors' veto"), share(t->fails_minors_veto, f), width);
		if (s->pass.rule == PASS_THRESHOLD)
			print_percent(out, _("score below threshold"), share(t->fails_below_threshold, f),
				      width);
		else
			print_percent(out, _("outranked by rivals"), share(t->fails_outranked, f), width);
	}
	if (s->pass.n_bands > 0) {
		fprintf(out, _("\nAnnual score bands (share of all replications; for a title holder, under "
			       "70 suspends the title, under 80 draws public criticism)\n"));
		for (int i = 0; i < s->pass.n_bands; i++) {
			char label[128];
			snprintf(label, sizeof label, _("annual score below %g"), s->pass.bands[i]);
			print_percent(out, label, share(t->below_band[i], g->n), width);
		}
	}
}

/* Prints TABLE (may be NULL: it could not be made) and frees it: 0, or -1
 * when memory ran out for it. */
static int table_done(struct table *table, FILE *out)
{
	int failed = table == NULL || table_print(table, out, 2) != 0;
	table_free(table);
	return failed ? -1 : 0;
}

static int print_scores(FILE *out, const struct scenario *s, const struct tally *t,
			const struct digest *g)
{
	if (s->history.present)
		fprintf(out, _("\nThree-year Total (points: the past years' scores and this year's annual "
			       "score, weighted): mean %.2f, sd %.2f\n"), t->total.mean,
			moments_sd(&t->total, t->n));
	else
		fprintf(out, _("\nTotal (points; no past years given, so the Total is this year's annual "
			       "score): mean %.2f, sd %.2f\n"), t->total.mean, moments_sd(&t->total, t->n));
	fprintf(out, " ");
	for (int i = 0; i < N_QUANTILES; i++)
		fprintf(out, " %s %.2f", quantiles[i].key, g->quantile[i]);
	fprintf(out, _("\nAnnual score (this year, points): mean %.2f, sd %.2f\n"), t->year.mean,
		moments_sd(&t->year, t->n));

	struct table *table = table_new(3);
	if (table == NULL)
		return -1;
	table_column(table, 0, _("this year's parts"), TABLE_LEFT, 28);
	table_column(table, 1, _("mean"), TABLE_RIGHT, 0);
	table_column(table, 2, _("sd"), TABLE_RIGHT, 0);
	for (int i = 0; i <= COMPONENT_NEGATIVE; i++)
		table_rowf(table, "%s\t%.3f\t%.3f", component_label(i), t->component[i].mean,
			   moments_sd(&t->component[i], t->n));
	fprintf(out, _("\nPoints of the annual score (negative list: points deducted)\n"));
	int failed = table_done(table, out);
	fprintf(out, _("Scores out of 100, not points of the Total\n"));
	if (s->minors.present)
		fprintf(out, _("  %s: mean %.2f, sd %.2f (weighs %g of the annual score; a veto under %g)\n"),
			component_label(COMPONENT_MINORS), t->component[COMPONENT_MINORS].mean,
			moments_sd(&t->component[COMPONENT_MINORS], t->n), s->minors.weight,
			s->minors.minimum);
	fprintf(out, _("  %s: mean %.2f, sd %.2f (the survey's points are its weight times this / 100)\n"),
		component_label(COMPONENT_SATISFACTION), t->component[COMPONENT_SATISFACTION].mean,
		moments_sd(&t->component[COMPONENT_SATISFACTION], t->n));
	return failed;
}

static int print_districts(FILE *out, const struct scenario *s, const struct tally *t, double n)
{
	int *order = order_by_value(t->district_points_lost_sum, s->n_districts);
	if (order == NULL)
		return -1;
	char bottom[64];
	snprintf(bottom, sizeof bottom, _("P(bottom %lld)"), (long long)s->ranking.bottom);
	fprintf(out, _("\nDistricts by field points lost (mean per replication)\n"));
	/* P(bottom k) beside P(last) when the office ranks more than the last place */
	struct table *table = table_new(s->ranking.bottom > 1 ? 5 : 4);
	if (table != NULL) {
		table_column(table, 0, _("district"), TABLE_LEFT, 24);
		table_column(table, 1, _("points lost"), TABLE_RIGHT, 0);
		table_column(table, 2, _("sites inspected"), TABLE_RIGHT, 0);
		table_column(table, 3, _("P(rank last)"), TABLE_RIGHT, 0);
		if (s->ranking.bottom > 1)
			table_column(table, 4, bottom, TABLE_RIGHT, 0);
		for (int i = 0; i < s->n_districts; i++) {
			int d = order[i];
			table_rowf(table, "%s\t%.3f\t%.2f\t%.1f %%\t%.1f %%", s->districts[d].name,
				   t->district_points_lost_sum[d] / n, t->district_sites_sum[d] / n,
				   100.0 * t->district_rank_last_sum[d] / n,
				   100.0 * t->district_rank_bottom_sum[d] / n);
		}
	}
	int failed = table_done(table, out);
	fputs(s->ranking.by == RANKING_PER_SITE
		      ? _("  Ranked by field points lost per inspected site, most lost last: a district "
			  "losing many\n  points over many inspected sites may still rarely rank last.\n")
		      : _("  Ranked by field points lost in all, most lost last: a district ranks last "
			  "more often\n  the more of its sites are inspected.\n"),
	      out);
	free(order);

	order = order_by_value(t->category_points_lost_sum, s->n_categories);
	if (order == NULL)
		return -1;
	fprintf(out, _("\nSite categories by field points lost\n"));
	table = table_new(3);
	if (table != NULL) {
		table_column(table, 0, _("site category"), TABLE_LEFT, 24);
		table_column(table, 1, _("points lost"), TABLE_RIGHT, 0);
		table_column(table, 2, _("of its weight"), TABLE_RIGHT, 0);
		for (int i = 0; i < s->n_categories; i++) {
			int c = order[i];
			table_rowf(table, "%s\t%.3f\t%g", s->categories[c].name,
				   t->category_points_lost_sum[c] / n, s->categories[c].weight);
		}
	}
	failed |= table_done(table, out);
	free(order);
	return failed;
}

/* The uncertain inputs shown: those that matter most to the Total. */
#define REPORT_UNCERTAIN_SHOWN 5

/* Prints P (a share, or NAN for none) as "58.2 %", or "-". */
static void format_share(double p, char *out, size_t size)
{
	if (isnan(p))
		snprintf(out, size, "-");
	else
		snprintf(out, size, "%.1f %%", 100.0 * p);
}

/*
 * The uncertain inputs that matter most, by |correlation of U_k with the
 * Total| (ties to the earlier input), with P(pass) when each turns out in
 * its lower, middle and upper third (docs/model.md 3.12).
 */
static int print_uncertain(FILE *out, const struct scenario *s, const struct tally *t)
{
	int n = t->n_uncertain;
	if (n == 0)
		return 0;
	int *order = malloc((size_t)n * sizeof *order);
	if (order == NULL)
		return -1;
	for (int k = 0; k < n; k++) {
		int at = k;
		double c = fabs(tally_input_correlation(t, k));
		while (at > 0 && fabs(tally_input_correlation(t, order[at - 1])) < c) {
			order[at] = order[at - 1];
			at--;
		}
		order[at] = k;
	}
	int shown = n < REPORT_UNCERTAIN_SHOWN ? n : REPORT_UNCERTAIN_SHOWN;
	fprintf(out, _("\nUncertain inputs that matter most (%d of %d, by the correlation of each "
		       "draw with the Total)\n"), shown, n);
	struct table *table = table_new(5);
	if (table != NULL) {
		table_column(table, 0, _("input"), TABLE_LEFT, 56);
		table_column(table, 1, _("correlation"), TABLE_RIGHT, 0);
		table_column(table, 2, _("P(pass) lower third"), TABLE_RIGHT, 0);
		table_column(table, 3, _("middle third"), TABLE_RIGHT, 0);
		table_column(table, 4, _("upper third"), TABLE_RIGHT, 0);
		for (int i = 0; i < shown; i++) {
			int k = order[i];
			char third[3][32];
			for (int j = 0; j < 3; j++)
				format_share(tally_input_pass_share(t, k, j), third[j], sizeof third[j]);
			table_rowf(table, "%s\t%+.2f\t%s\t%s\t%s", uncertain_path(s->uncertain, k),
				   tally_input_correlation(t, k), third[0], third[1], third[2]);
		}
	}
	int failed = table_done(table, out);
	char low[32], high[32];
	format_share(tally_input_pass_share(t, order[0], 0), low, sizeof low);
	format_share(tally_input_pass_share(t, order[0], 2), high, sizeof high);
	fprintf(out, _("  If %s turns out in its lower third, P(pass) is %s; in its upper third, %s.\n"),
		uncertain_path(s->uncertain, order[0]), low, high);
	free(order);
	return failed;
}

static int print_policies(FILE *out, const struct scenario *s, const struct policy_summary *policies)
{
	if (policies == NULL || s->n_policies == 0)
		return 0;
	fprintf(out, _("\nPolicies and their cost (each in its plugin's own unit)\n"));
	struct table *table = table_new(3);
	if (table == NULL)
		return -1;
	table_column(table, 0, _("policy"), TABLE_LEFT, 28);
	table_column(table, 1, _("plugin"), TABLE_LEFT, 24);
	table_column(table, 2, _("cost"), TABLE_RIGHT, 0);
	double sum = 0.0;
	for (int i = 0; i < s->n_policies; i++) {
		table_rowf(table, "%s\t%s\t%g", policies[i].name, policies[i].plugin, policies[i].cost);
		sum += policies[i].cost;
	}
	table_rowf(table, "%s\t\t%g", _("total"), sum);
	return table_done(table, out);
}

int report_print(FILE *out, const struct scenario *s, const struct run_result *r,
		 const struct policy_summary *policies)
{
	const struct tally *t = r->tally;
	struct digest g;
	digest(r, &g);

	fprintf(out, _("%s: %lld replications, seed %llu, "), s->name, (long long)t->n,
		(unsigned long long)r->seed);
	if (r->processes > 1)
		fprintf(out, _("%d processes of "), r->processes);
	fprintf(out, r->threads == 1 ? _("%d thread, %.2f s\n\n") : _("%d threads, %.2f s\n\n"),
		r->threads, r->seconds);
	if (!r->complete)
		fprintf(out, _("INTERRUPTED: these are the figures of the %lld replications done.\n\n"),
			(long long)t->n);
	print_pass(out, s, r, &g);
	print_precision(out, r);
	print_causes(out, s, t, &g);
	int failed = print_scores(out, s, t, &g);
	fprintf(out, _("\nRectification rate over the campaign: %.1f %%\n"),
		100.0 * (g.n > 0 ? t->rectification_sum / g.n : 0.0));
	failed |= print_districts(out, s, t, g.n);
	failed |= print_policies(out, s, policies);
	failed |= print_uncertain(out, s, t);
	return failed ? -1 : 0;
}
