/*
 * Uncertain inputs in a scenario and a run (docs/model.md 3.12): the entries
 * refused with their lines, the values each input sets, the draws applied
 * per replication (common random numbers, the same JSON whatever the thread
 * count), and a closed form: a survey whose satisfaction is a discrete
 * uncertain input passes with the weighted mean of the binomial closed
 * forms, tercile by tercile. (test_uncertain.c checks the distributions,
 * the copula and the draws themselves.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "assert_close.h"
#include "comparable_json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugin.h"
#include "replication.h"
#include "report.h"
#include "runner.h"
#include "scenario.h"
#include "load_scenario.h"
#include "simulate.h"
#include "stats.h"
#include "uncertain.h"

/* A correct model misses by more than 4.5 standard errors with probability 7e-6. */
#define Z_TOLERANCE 4.5

/* Two districts and two categories; line numbers matter to the refusals below. */
static const char base[] =
	"version = 2;\n"                                                                   /* 1 */
	"campaign: { weeks = 4; };\n"                                                      /* 2 */
	"inspection: { window = [3, 4]; batches = 1; };\n"                                 /* 3 */
	"categories = ( { name = \"road\"; weight = 20.0; deduction = 0.2; lottery = 2; random_view = 1; },\n" /* 4 */
	"               { name = \"lane\"; weight = 20.0; deduction = 0.2; lottery = 1; random_view = 2; } );\n" /* 5 */
	"defaults: { sites = 20; declared = 5; problems = 30; new_per_week = 2.0; rectify_rate = 0.2; rebound = 0.05; };\n" /* 6 */
	"districts = ( { name = \"a\"; population = 3.0; satisfaction = 0.85; rectify_rate = { lane = 0.3; }; },\n" /* 7 */
	"              { name = \"b\"; population = 1.0; satisfaction = 0.80; satisfaction_concentration = 100.0; } );\n" /* 8 */
	"materials = ( { name = \"m\"; items = 20; points = 1.0; loss_probability = 0.1; } );\n" /* 9 */
	"survey: { respondents = 400; weight = 20.0; veto_below = 70.0; };\n"              /* 10 */
	"pass: { rule = \"threshold\"; threshold = 60.0; };\n";                            /* 11 */

#define FIRST_LINE 12 /* the line the appended text starts at */

static char *with(const char *extra)
{
	size_t n = strlen(base) + strlen(extra) + 1;
	char *text = malloc(n);
	assert_non_null(text);
	snprintf(text, n, "%s%s", base, extra);
	return text;
}

static struct scenario *load(const char *extra)
{
	char *text = with(extra);
	struct scenario *s = load_scenario_text(text);
	free(text);
	return s;
}

/* Asserts that EXTRA is refused with a problem at LINE containing NEEDLE. */
static void refused(const char *extra, int line, const char *needle)
{
	char *text = with(extra);
	struct diag d;
	diag_init(&d, "test.cfg");
	struct scenario *s = scenario_load_string(text, &d);
	int found = 0;
	for (int i = 0; i < d.count && !found; i++)
		found = d.entries[i].line == line && strstr(d.entries[i].message, needle) != NULL;
	if (!found || s != NULL) {
		print_error("wanted line %d containing '%s' for:\n%s\ngot:\n", line, needle, extra);
		diag_print(&d, stderr);
	}
	assert_null(s);
	assert_true(found);
	diag_free(&d);
	free(text);
}

/* ---- refusals ------------------------------------------------------------- */

static void bad_entries_are_refused_at_their_line(void **state)
{
	(void)state;
	int L = FIRST_LINE;
	/* an unbounded normal on a bounded key names the bounds to add */
	refused("uncertain = (\n"
		"  { path = \"districts.a.rectify_rate\"; dist = \"normal\"; mean = 0.2; sd = 0.05; } );\n",
		L + 1, "add min = 0 and max = 1");
	/* a relative one names the bound on the multiplier */
	refused("uncertain = ( { path = \"defaults.rebound\"; dist = \"lognormal\"; relative = true; mean = 1.0; sd = 0.1; } );\n",
		L, "max = 20");
	/* keys that shape the inspection or bound the score */
	refused("uncertain = ( { path = \"districts.a.sites\"; dist = \"uniform\"; min = 10; max = 30; } );\n",
		L, "'sites' cannot be uncertain");
	refused("uncertain = ( { path = \"defaults.declared\"; dist = \"uniform\"; min = 1; max = 3; } );\n",
		L, "'declared' cannot be uncertain");
	refused("uncertain = ( { path = \"categories.road.weight\"; dist = \"uniform\"; min = 10; max = 30; } );\n",
		L, "'weight' cannot be uncertain");
	/* patterns and names that match nothing */
	refused("uncertain = ( { path = \"negative_list.*.probability\"; dist = \"uniform\"; min = 0.0; max = 0.1; } );\n",
		L, "matches nothing");
	refused("uncertain = (\n  { path = \"districts.c.rectify_rate\"; dist = \"uniform\"; min = 0.1; max = 0.3; } );\n",
		L + 1, "no district 'c'");
	refused("uncertain = ( { path = \"districts.*.rectify_rate.street\"; dist = \"uniform\"; min = 0.1; max = 0.3; } );\n",
		L, "no category 'street'");
	refused("uncertain = ( { path = \"districts.a.*\"; dist = \"uniform\"; min = 0.1; max = 0.3; } );\n",
		L, "names no parameter");
	/* two entries on one path: the second is refused, naming the first */
	refused("uncertain = ( { path = \"districts.*.satisfaction\"; dist = \"uniform\"; relative = true; min = 0.9; max = 1.1; },\n"
		"  { path = \"districts.b.satisfaction\"; dist = \"uniform\"; min = 0.7; max = 0.9; } );\n",
		L + 1, "reached by two uncertain entries");
	/* two inputs reaching one cell's value by different paths */
	refused("uncertain = ( { path = \"defaults.rectify_rate\"; dist = \"uniform\"; relative = true; min = 0.9; max = 1.1; },\n"
		"  { path = \"districts.b.rectify_rate.road\"; dist = \"uniform\"; min = 0.1; max = 0.2; } );\n",
		L + 1, "both set district 'b', category 'road'");
	/* the distribution's own keys */
	refused("uncertain = ( { path = \"survey.veto_below\"; dist = \"pert\"; min = 60; max = 80; } );\n",
		L, "a pert needs min, mode and max: add mode");
	refused("uncertain = ( { path = \"survey.veto_below\"; dist = \"uniform\"; min = 60; max = 80; sd = 1; } );\n",
		L, "a uniform takes min and max, not 'sd'");
	refused("uncertain = ( { path = \"survey.veto_below\"; dist = \"pret\"; min = 60; mode = 70; max = 80; } );\n",
		L, "did you mean 'pert'");
	refused("uncertain = ( { path = \"survey.respondents\"; dist = \"discrete\"; values = [300.0, 400.5]; } );\n",
		L, "not one");
}

static const char three_inputs[] =
	"uncertain = ( { path = \"districts.*.satisfaction\"; dist = \"uniform\"; relative = true; min = 0.95; max = 1.05; },\n"
	"  { path = \"materials.m.loss_probability\"; dist = \"beta\"; alpha = 2.0; beta = 20.0; } );\n";

static void bad_correlations_are_refused_at_their_line(void **state)
{
	(void)state;
	char text[2048];
	int L = FIRST_LINE + 2;
	/* not positive definite: three inputs pulling apart */
	snprintf(text, sizeof text, "%scorrelation = (\n"
		 "  { paths = [\"districts.a.satisfaction\", \"districts.b.satisfaction\"]; rank = -0.9; },\n"
		 "  { paths = [\"districts.a.satisfaction\", \"materials.m.loss_probability\"]; rank = -0.9; },\n"
		 "  { paths = [\"districts.b.satisfaction\", \"materials.m.loss_probability\"]; rank = -0.9; } );\n",
		 three_inputs);
	refused(text, L + 1, "not positive definite (its smallest eigenvalue is -");
	/* a pair given twice */
	snprintf(text, sizeof text, "%scorrelation = (\n"
		 "  { paths = [\"districts.*.satisfaction\"]; rank = 0.5; },\n"
		 "  { paths = [\"districts.b.satisfaction\", \"districts.a.satisfaction\"]; rank = 0.2; } );\n",
		 three_inputs);
	refused(text, L + 2, "is given twice");
	/* rho outside [-1, 1] */
	snprintf(text, sizeof text, "%scorrelation = (\n"
		 "  { paths = [\"districts.*.satisfaction\"]; rank = 1.5; } );\n", three_inputs);
	refused(text, L + 1, "rank");
	/* a path that is no uncertain input */
	snprintf(text, sizeof text, "%scorrelation = (\n"
		 "  { paths = [\"districts.*.satisfaction\", \"survey.respondents\"]; rank = 0.3; } );\n",
		 three_inputs);
	refused(text, L + 1, "survey.respondents matches no uncertain input");
	/* one input alone */
	snprintf(text, sizeof text, "%scorrelation = (\n"
		 "  { paths = [\"districts.a.satisfaction\"]; rank = 0.3; } );\n", three_inputs);
	refused(text, L + 1, "needs two or more");
}

/* ---- what each input sets ----------------------------------------------- */

/* The targets of input K as "d.c" cells (or "item" for other keys), in a string. */
static void targets_text(const struct scenario *s, int k, char *out, size_t size)
{
	size_t used = 0;
	out[0] = '\0';
	for (int t = s->uncertain_first[k]; t < s->uncertain_first[k + 1]; t++) {
		const struct uncertain_target *x = &s->uncertain_targets[t];
		if (x->category >= 0)
			used += (size_t)snprintf(out + used, size - used, "%s%s.%s", used ? " " : "",
						 s->districts[x->item].name, s->categories[x->category].name);
		else
			used += (size_t)snprintf(out + used, size - used, "%s%d", used ? " " : "", x->item);
	}
}

static void inputs_set_what_set_would_or_scale_every_cell(void **state)
{
	(void)state;
	struct scenario *s = load(
		"uncertain = ( { path = \"districts.a.rectify_rate\"; dist = \"uniform\"; min = 0.1; max = 0.2; },\n"
		"  { path = \"defaults.rebound\"; dist = \"uniform\"; min = 0.0; max = 0.1; },\n"
		"  { path = \"districts.b.rebound.lane\"; dist = \"uniform\"; min = 0.0; max = 0.1; },\n"
		"  { path = \"districts.*.new_per_week\"; dist = \"pert\"; relative = true; min = 0.5; mode = 1.0; max = 2.0; },\n"
		"  { path = \"districts.*.population\"; dist = \"uniform\"; relative = true; min = 0.5; max = 1.5; } );\n");
	assert_int_equal(uncertain_count(s->uncertain), 7);
	const char *paths[7] = {"districts.a.rectify_rate", "defaults.rebound", "districts.b.rebound.lane",
				"districts.a.new_per_week", "districts.b.new_per_week",
				"districts.a.population", "districts.b.population"};
	/* a's own lane rate (its per-category entry) wins over its scalar;
	 * defaults.rebound yields to the input on b's lane, as to a --set there */
	const char *cells[7] = {"a.road", "a.road a.lane b.road", "b.lane", "a.road a.lane",
				"b.road b.lane", "0", "1"};
	for (int k = 0; k < 7; k++) {
		char text[256];
		assert_string_equal(uncertain_path(s->uncertain, k), paths[k]);
		targets_text(s, k, text, sizeof text);
		assert_string_equal(text, cells[k]);
	}
	/* a relative input's base is the value without uncertainty */
	assert_close(s->uncertain_targets[s->uncertain_first[5]].base, 3.0, 0.0);
	scenario_free(s);
	/* a sensitivity entry naming an input's path (checked as a probe, not a
	 * --set) leaves the input in */
	s = load("uncertain = ( { path = \"districts.a.rectify_rate\"; dist = \"uniform\"; min = 0.1; max = 0.2; } );\n"
		 "sensitivity = ( { path = \"districts.a.rectify_rate\"; low = 0.1; high = 0.3; } );\n");
	assert_int_equal(uncertain_count(s->uncertain), 1);
	scenario_free(s);
}

static void set_fixes_a_path_and_its_correlations_go(void **state)
{
	(void)state;
	char *text = with(three_inputs);
	char full[4096];
	snprintf(full, sizeof full, "%scorrelation = ( { paths = [\"districts.*.satisfaction\"]; rank = 0.5; } );\n",
		 text);
	struct parameter_setting set[2] = {{"districts.b.satisfaction", 0.7, 0, 0},
					   {"districts.a.satisfaction", 0.9, 0, 0}};
	FILE *f = fopen("uncertain_set.cfg", "w");
	assert_non_null(f);
	fputs(full, f);
	fclose(f);
	struct diag d;
	diag_init(&d, "uncertain_set.cfg");
	struct scenario *s = scenario_load_file_with("uncertain_set.cfg", set, 1, &d);
	if (s == NULL)
		diag_print(&d, stderr);
	assert_non_null(s);
	assert_int_equal(uncertain_count(s->uncertain), 2);
	assert_string_equal(uncertain_path(s->uncertain, 0), "districts.a.satisfaction");
	assert_close(s->districts[1].satisfaction, 0.7, 0.0);
	scenario_free(s);
	/* a scale of a relative input's own path fixes its multiplier (as
	 * sensitivity does); a scale through a pattern only moves its base */
	struct parameter_setting scale[2] = {{"districts.a.satisfaction*", 1.05, 0, 0},
					     {"districts.*.satisfaction*", 1.01, 0, 0}};
	s = scenario_load_file_with("uncertain_set.cfg", scale, 2, &d);
	if (s == NULL)
		diag_print(&d, stderr);
	assert_non_null(s);
	assert_int_equal(uncertain_count(s->uncertain), 2);
	assert_string_equal(uncertain_path(s->uncertain, 0), "districts.b.satisfaction");
	assert_close(s->districts[0].satisfaction, 0.85 * 1.05 * 1.01, 1e-15);
	assert_close(s->uncertain_targets[s->uncertain_first[0]].base, 0.80 * 1.01, 1e-15);
	scenario_free(s);
	/* every input fixed: no uncertain inputs at all */
	struct parameter_setting all[3] = {set[0], set[1], {"materials.m.loss_probability", 0.05, 0, 0}};
	s = scenario_load_file_with("uncertain_set.cfg", all, 3, &d);
	assert_non_null(s);
	assert_null(s->uncertain);
	scenario_free(s);
	diag_free(&d);
	remove("uncertain_set.cfg");
	free(text);
}

/* ---- runs ------------------------------------------------------------------ */

/* A one-value discrete input on every kind of target gives the certain
 * scenario's replications draw for draw. */
static void one_value_inputs_change_no_draw(void **state)
{
	(void)state;
	struct scenario *certain = load("");
	struct scenario *s = load(
		"uncertain = ( { path = \"districts.a.rectify_rate\"; dist = \"discrete\"; values = [0.2]; },\n"
		"  { path = \"districts.*.rebound\"; dist = \"discrete\"; relative = true; values = [1.0]; },\n"
		"  { path = \"defaults.problems.lane\"; dist = \"discrete\"; values = [30]; },\n"
		"  { path = \"districts.b.satisfaction\"; dist = \"discrete\"; values = [0.8]; },\n"
		"  { path = \"districts.a.population\"; dist = \"discrete\"; values = [3.0]; },\n"
		"  { path = \"materials.m.loss_probability\"; dist = \"discrete\"; values = [0.1]; },\n"
		"  { path = \"survey.respondents\"; dist = \"discrete\"; values = [400]; } );\n");
	assert_int_equal(uncertain_count(s->uncertain), 8);
	struct run_result a, b;
	simulate(certain, 5, 3000, 2, &a);
	simulate(s, 5, 3000, 2, &b);
	assert_int_equal(a.tally->passes, b.tally->passes);
	assert_true(a.tally->total.mean == b.tally->total.mean);
	assert_true(a.tally->total.m2 == b.tally->total.m2);
	assert_true(a.tally->rectification_sum == b.tally->rectification_sum);
	for (int c = 0; c < COMPONENT_COUNT; c++)
		assert_true(a.tally->component[c].mean == b.tally->component[c].mean);
	/* each input reported: its one value, no spread */
	assert_close(b.tally->uncertain[0].value.mean, 0.2, 1e-15);
	assert_close(moments_sd(&b.tally->uncertain[0].value, b.tally->n), 0.0, 1e-15);
	run_result_free(&a);
	run_result_free(&b);
	scenario_free(s);
	scenario_free(certain);
}

static const char varied[] =
	"uncertain = ( { path = \"districts.*.rectify_rate\"; dist = \"pert\"; relative = true; min = 0.5; mode = 1.0; max = 1.5; },\n"
	"  { path = \"defaults.problems\"; dist = \"uniform\"; min = 10; max = 60; },\n"
	"  { path = \"districts.*.satisfaction\"; dist = \"triangular\"; min = 0.7; mode = 0.8; max = 0.9; },\n"
	"  { path = \"districts.a.population\"; dist = \"gamma\"; shape = 4.0; rate = 1.0; },\n"
	"  { path = \"survey.respondents\"; dist = \"discrete\"; values = [200, 400, 800]; } );\n"
	"correlation = ( { paths = [\"districts.*.satisfaction\"]; rank = 0.6; } );\n";

/* The JSON of a run, without what depends on the thread count. */
static char *run_json(const struct scenario *s, int threads)
{
	struct run_result r;
	simulate(s, 77, 3000, threads, &r);
	char *comparable = comparable_json(s, &r, NULL);
	run_result_free(&r);
	return comparable;
}

static void the_json_is_the_same_whatever_the_thread_count(void **state)
{
	(void)state;
	struct scenario *s = load(varied);
	char *one = run_json(s, 1);
	char *three = run_json(s, 3);
	assert_non_null(strstr(one, "\"uncertain\""));
	assert_non_null(strstr(one, "\"pass_by_tercile\""));
	assert_string_equal(one, three);
	free(one);
	free(three);
	scenario_free(s);
}

/* Replication i of two variants draws the same inputs (common random numbers). */
static void variants_draw_the_same_inputs(void **state)
{
	(void)state;
	struct scenario *a = load(varied);
	char other[4096];
	snprintf(other, sizeof other, "%s", varied);
	struct scenario *b = load(other);
	b->pass.threshold = 50.0;
	b->survey.weight = 30.0;
	struct replication_workspace *wa = replication_workspace_new(a, NULL);
	struct replication_workspace *wb = replication_workspace_new(b, NULL);
	assert_non_null(wa);
	assert_non_null(wb);
	for (uint64_t i = 0; i < 50; i++) {
		assert_int_equal(replication_run(a, 3, i, wa), REPLICATION_OK);
		assert_int_equal(replication_run(b, 3, 49 - i, wb), REPLICATION_OK);
	}
	for (uint64_t i = 0; i < 50; i++) {
		assert_int_equal(replication_run(a, 3, i, wa), REPLICATION_OK);
		assert_int_equal(replication_run(b, 3, i, wb), REPLICATION_OK);
		const struct outcome *x = replication_outcome(wa), *y = replication_outcome(wb);
		assert_int_equal(x->n_uncertain, 7);
		assert_memory_equal(x->uncertain_u, y->uncertain_u, 7 * sizeof(double));
		assert_memory_equal(x->uncertain_value, y->uncertain_value, 7 * sizeof(double));
		/* the field depends on no input the variants change */
		assert_true(x->component[COMPONENT_FIELD] == y->component[COMPONENT_FIELD]);
	}
	replication_workspace_free(wa);
	replication_workspace_free(wb);
	scenario_free(a);
	scenario_free(b);
}

/* ---- the closed form ------------------------------------------------------ */

/*
 * Survey only (the field certain: deduction 0), one district, Y ~ Bin(200,
 * theta) with theta a discrete uncertain input: 0.78, 0.82, 0.86 with
 * weights 1, 2, 1. Total = 40 + Y / 10; pass iff Y >= 165 and no veto
 * (Y < 160). P(pass) is the weighted mean of the binomial closed forms,
 * and within each third of U it weighs the values U falls on there.
 */
static const char survey_only[] =
	"version = 2;\n"
	"campaign: { weeks = 2; };\n"
	"inspection: { window = [1, 2]; batches = 1; };\n"
	"categories = ( { name = \"c\"; weight = 40.0; deduction = 0.0; lottery = 1; } );\n"
	"defaults: { sites = 3; declared = 2; problems = 5; new_per_week = 1.0; rectify_rate = 0.5; rebound = 0.1; };\n"
	"districts = ( { name = \"a\"; population = 1.0; satisfaction = 0.82; } );\n"
	"survey: { respondents = 200; weight = 20.0; veto_below = 80.0; };\n"
	"pass: { rule = \"threshold\"; threshold = 56.45; };\n"
	"uncertain = ( { path = \"districts.a.satisfaction\"; dist = \"discrete\";\n"
	"                values = [0.78, 0.82, 0.86]; weights = [1.0, 2.0, 1.0]; } );\n";

static double binomial_pass(double theta)
{
	double p = 0.0;
	for (int y = 165; y <= 200; y++)
		p += stats_binomial_pmf(y, 200, theta);
	return p;
}

static void assert_share(int64_t successes, int64_t n, double exact)
{
	double estimate = (double)successes / (double)n;
	double se = sqrt(exact * (1.0 - exact) / (double)n);
	if (fabs(estimate - exact) > Z_TOLERANCE * se + 1e-12)
		print_error("share %.6f, exact %.6f, se %.6f\n", estimate, exact, se);
	assert_true(fabs(estimate - exact) <= Z_TOLERANCE * se + 1e-12);
}

static void pass_is_the_weighted_mean_of_binomial_closed_forms(void **state)
{
	(void)state;
	struct diag d;
	diag_init(&d, "survey.cfg");
	struct scenario *s = scenario_load_string(survey_only, &d);
	if (s == NULL)
		diag_print(&d, stderr);
	assert_non_null(s);
	diag_free(&d);
	struct run_result r;
	simulate(s, 21, 200000, 2, &r);
	double p[3] = {binomial_pass(0.78), binomial_pass(0.82), binomial_pass(0.86)};
	double w[3] = {0.25, 0.5, 0.25};
	assert_share(r.tally->passes, r.tally->n, w[0] * p[0] + w[1] * p[1] + w[2] * p[2]);
	/* U < 1/3: 0.78 up to 1/4, then 0.82; the middle third all 0.82; U >= 2/3:
	 * 0.82 up to 3/4, then 0.86 */
	const struct tally_input *in = &r.tally->uncertain[0];
	double third = 1.0 / 3.0;
	double exact[3] = {(0.25 * p[0] + (third - 0.25) * p[1]) / third, p[1],
			   ((0.75 - 2.0 * third) * p[1] + 0.25 * p[2]) / third};
	for (int i = 0; i < 3; i++) {
		assert_share(in->in_third[i], r.tally->n, third);
		assert_share(in->passes_in_third[i], in->in_third[i], exact[i]);
	}
	double mean = 0.25 * 0.78 + 0.5 * 0.82 + 0.25 * 0.86;
	double sd = sqrt(0.25 * 0.04 * 0.04 * 2.0);
	assert_close(in->value.mean, mean, Z_TOLERANCE * sd / sqrt((double)r.tally->n));
	/* satisfaction moves the Total: a strong correlation */
	assert_true(tally_input_correlation(r.tally, 0) > 0.3);
	run_result_free(&r);
	scenario_free(s);
}

/* ---- policies' setup ------------------------------------------------------ */

static void write_text(const char *file, const char *text)
{
	FILE *f = fopen(file, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* The scenario SCENARIO (with its policy's plugin PLUGIN as lift.lua beside
 * it) loaded and set up. */
static struct scenario *load_with_policy(const char *scenario, const char *plugin,
					 struct plugin_host **host)
{
	write_text("lift.lua", plugin);
	write_text("lift.cfg", scenario);
	struct diag d;
	diag_init(&d, "lift.cfg");
	struct scenario *s = scenario_load_file("lift.cfg", &d);
	if (s == NULL)
		diag_print(&d, stderr);
	assert_non_null(s);
	struct plugin_path path;
	plugin_path_init(&path, "lift.cfg");
	*host = plugin_host_new(s, &path, 7, &d);
	plugin_path_free(&path);
	if (*host == NULL)
		diag_print(&d, stderr);
	assert_non_null(*host);
	diag_free(&d);
	return s;
}

/* Lifts district a's satisfaction by 0.02 (reading it: an uncertain input). */
static const char lift_plugin[] =
	"return { name = 'lift', description = 'x', params = { by = 0.02 },\n"
	"  setup = function(scenario, params, targets)\n"
	"    local a = scenario.district['a']\n"
	"    a.satisfaction = a.satisfaction + params.by\n"
	"    return { cost = 1 }\n"
	"  end }\n";

/*
 * A setup that reads an uncertain input runs on each replication's draw:
 * the survey-only closed form with every satisfaction lifted by 0.02 after
 * its draw. Had setup run once, on the file's 0.82, the draws would
 * overwrite its lift.
 */
static void a_setup_reading_an_input_runs_on_each_draw(void **state)
{
	(void)state;
	char text[4096];
	snprintf(text, sizeof text, "%spolicies = ( { plugin = \"lift\"; } );\n", survey_only);
	struct plugin_host *host;
	struct scenario *s = load_with_policy(text, lift_plugin, &host);
	const struct week_hooks *hooks = plugin_host_hooks(host);
	assert_non_null(hooks);
	assert_non_null(hooks->setup);
	assert_null(hooks->week);
	struct run_options options = {.seed = 22, .replications = 100000, .threads = 2, .hooks = hooks};
	struct run_result r;
	struct diag d;
	diag_init(&d, NULL);
	assert_int_equal(run_simulation(s, &options, &r, &d), 0);
	diag_free(&d);
	double p[3] = {binomial_pass(0.80), binomial_pass(0.84), binomial_pass(0.88)};
	assert_share(r.tally->passes, r.tally->n, 0.25 * p[0] + 0.5 * p[1] + 0.25 * p[2]);
	/* the report's values are the draws, before setup */
	assert_close(r.tally->uncertain[0].value.mean, 0.82, 0.001);
	run_result_free(&r);
	plugin_host_free(host);
	scenario_free(s);
	remove("lift.lua");
	remove("lift.cfg");
}

/* A setup that reads no uncertain input runs once: tracked, not guessed. */
static void a_setup_reading_no_input_runs_once(void **state)
{
	(void)state;
	static const char other[] =
		"return { name = 'lift', description = 'x', params = { by = 0.02 },\n"
		"  setup = function(scenario, params, targets)\n"
		"    local c = scenario.category['c']\n"
		"    c.prepared = c.prepared * 0.5\n"
		"    local n = 0\n"
		"    for _, d in ipairs(scenario.districts) do n = n + d.population end\n"
		"    return { cost = n }\n"
		"  end }\n";
	char text[4096];
	snprintf(text, sizeof text, "%spolicies = ( { plugin = \"lift\"; } );\n", survey_only);
	struct plugin_host *host;
	struct scenario *s = load_with_policy(text, other, &host);
	assert_null(plugin_host_hooks(host));
	assert_close(s->categories[0].prepared, 0.5, 0.0);
	plugin_host_free(host);
	scenario_free(s);
	/* iterating a record that holds an uncertain value reads it */
	static const char iterating[] =
		"return { name = 'lift', description = 'x', params = { by = 0.02 },\n"
		"  setup = function(scenario, params, targets)\n"
		"    local n = 0\n"
		"    for k, v in pairs(scenario.district['a']) do n = n + 1 end\n"
		"    assert(n == 5)\n"
		"  end }\n";
	s = load_with_policy(text, iterating, &host);
	assert_non_null(plugin_host_hooks(host));
	assert_non_null(plugin_host_hooks(host)->setup);
	plugin_host_free(host);
	scenario_free(s);
	remove("lift.lua");
	remove("lift.cfg");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bad_entries_are_refused_at_their_line),
		cmocka_unit_test(bad_correlations_are_refused_at_their_line),
		cmocka_unit_test(inputs_set_what_set_would_or_scale_every_cell),
		cmocka_unit_test(set_fixes_a_path_and_its_correlations_go),
		cmocka_unit_test(one_value_inputs_change_no_draw),
		cmocka_unit_test(the_json_is_the_same_whatever_the_thread_count),
		cmocka_unit_test(variants_draw_the_same_inputs),
		cmocka_unit_test(pass_is_the_weighted_mean_of_binomial_closed_forms),
		cmocka_unit_test(a_setup_reading_an_input_runs_on_each_draw),
		cmocka_unit_test(a_setup_reading_no_input_runs_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
