/*
 * analysis: sensitivity of an output that does not vary, and Sobol'
 * indices that contradict each other (issue 13).
 *
 * A scenario whose inputs move only the materials, far above the
 * threshold: every replication passes at every design point, so P(pass)
 * is 1 everywhere and has no index (its estimators would read 0 / 0, and
 * a reader would take first = 1.000, total = 0.000 for certainty); the
 * Total moves with the materials and keeps its indices. A first-order
 * index whose interval lies above its total index's is warned of.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis.h"
#include "decision_json.h"
#include "summary_text.h"
#include "temp_file.h"

/* No veto and a threshold of 10 points where the Total is at least 20
 * (the survey's 20 points at satisfaction 1 less the field's losses, plus
 * the materials' points): P(pass) is exactly 1. */
static const char flat_text[] =
	"version = 1;\n"
	"campaign:   { weeks = 1; };\n"
	"inspection: { window = [1, 1]; batches = 1; };\n"
	"categories = ( { name = \"main_road\"; weight = 20.0; deduction = 0.25; lottery = 1; } );\n"
	"districts = (\n"
	"  { name = \"Centre\"; population = 100000.0; satisfaction = 1.0;\n"
	"    sites = 10; declared = 5; problems = 10;\n"
	"    new_per_week = 1.0; rectify_rate = 0.2; rebound = 0.05; } );\n"
	"materials = ( { name = \"archives\"; items = 40; points = 0.5; loss_probability = 0.05; } );\n"
	"survey: { respondents = 100; weight = 20.0; };\n"
	"pass:   { rule = \"threshold\"; threshold = 10.0; };\n";

static const struct design_input materials[2] = {
	{.path = "materials.archives.loss_probability", .lo = 0.0, .hi = 0.5},
	{.path = "materials.archives.points", .lo = 0.1, .hi = 0.5},
};

/* Runs METHOD on the flat scenario into OUT (a few replications a point);
 * ST stays open for OUT's header (close it after). */
static void analyse(enum analysis_method method, int replicates, struct study *st,
		    struct analysis_result *out, struct diag *d)
{
	char path[64];
	write_temp_file(path, flat_text);
	const char *files[1] = {path};
	struct study_request request = {.have_reps = 1, .reps = 50, .have_seed = 1, .seed = 11,
					.threads = 1};
	diag_init(d, NULL);
	assert_int_equal(study_open(st, files, 1, &request, d), 0);
	unlink(path); /* read once: the study needs the file no more */
	struct analysis_request what = {.method = method, .k = 2, .inputs = materials,
					.trajectories = 4, .levels = 4, .samples = 16,
					.bootstrap = 50, .replicates = replicates};
	assert_int_equal(analysis_run(st, &what, out, d), 0);
}

/* The summary of A as text. */
static char *summary_of(const struct analysis_result *a)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	assert_non_null(out);
	summary_text_analysis(out, a);
	fclose(out);
	return text;
}

static void a_constant_p_pass_has_no_sobol_index(void **state)
{
	(void)state;
	const int replicates[2] = {0, 4}; /* Saltelli's sampling, randomized QMC */
	for (int m = 0; m < 2; m++) {
		struct analysis_result *a = calloc(1, sizeof *a);
		struct diag d;
		struct study st;
		analyse(ANALYSIS_SOBOL, replicates[m], &st, a, &d);
		assert_false(a->pass_varies);
		assert_true(a->pass_value == 1.0);
		assert_true(a->total_varies);
		assert_int_equal(diag_worst(&d), DIAG_WARNING);

		char *json = decision_json_analysis(a);
		assert_non_null(json);
		json_t *root = json_loads(json, 0, NULL);
		assert_non_null(root);
		assert_true(json_is_false(json_object_get(root, "pass_varies")));
		assert_null(json_object_get(root, "total_varies"));
		json_t *inputs = json_object_get(root, "inputs");
		assert_int_equal(json_array_size(inputs), 2);
		for (size_t i = 0; i < 2; i++) {
			json_t *input = json_array_get(inputs, i);
			assert_true(json_is_null(json_object_get(input, "pass")));
			assert_true(json_is_object(json_object_get(input, "total")));
		}
		json_decref(root);
		free(json);

		char *text = summary_of(a);
		assert_non_null(strstr(text, "P(pass) does not vary over these ranges (100.00% at every "
					     "point): no index (null in the JSON)"));
		assert_null(strstr(text, "1.000 [1.000, 1.000]"));
		free(text);
		study_close(&st);
		diag_free(&d);
		free(a);
	}
}

static void a_constant_p_pass_has_no_morris_effect_or_tornado_swing(void **state)
{
	(void)state;
	const enum analysis_method methods[2] = {ANALYSIS_MORRIS, ANALYSIS_TORNADO};
	for (int m = 0; m < 2; m++) {
		struct analysis_result *a = calloc(1, sizeof *a);
		struct diag d;
		struct study st;
		analyse(methods[m], 0, &st, a, &d);
		assert_false(a->pass_varies);
		assert_true(a->total_varies);
		char *json = decision_json_analysis(a);
		assert_non_null(strstr(json, "\"pass_varies\": false"));
		free(json);
		char *text = summary_of(a);
		assert_non_null(strstr(text, "P(pass) does not vary over these ranges"));
		free(text);
		study_close(&st);
		diag_free(&d);
		free(a);
	}
}

/* An input that moves nothing (a survey veto under 50 % where every
 * respondent is satisfied): neither output varies, and neither has an
 * effect, a swing or an index. */
static void an_input_that_moves_nothing_has_no_effect_on_either_output(void **state)
{
	(void)state;
	static const struct design_input veto[1] = {{.path = "survey.veto_below", .lo = 0.0, .hi = 50.0}};
	const enum analysis_method methods[3] = {ANALYSIS_MORRIS, ANALYSIS_TORNADO, ANALYSIS_SOBOL};
	const char *const nulls[3] = {"total", "total_swing", "total"};
	for (int m = 0; m < 3; m++) {
		char path[64];
		write_temp_file(path, flat_text);
		const char *files[1] = {path};
		struct study_request request = {.have_reps = 1, .reps = 50, .have_seed = 1, .seed = 11,
						.threads = 1};
		struct study st;
		struct diag d;
		diag_init(&d, NULL);
		assert_int_equal(study_open(&st, files, 1, &request, &d), 0);
		unlink(path);
		struct analysis_request what = {.method = methods[m], .k = 1, .inputs = veto,
						.trajectories = 4, .levels = 4, .samples = 16,
						.bootstrap = 50};
		struct analysis_result *a = calloc(1, sizeof *a);
		assert_int_equal(analysis_run(&st, &what, a, &d), 0);
		assert_false(a->pass_varies);
		assert_false(a->total_varies);
		char *json = decision_json_analysis(a);
		json_t *root = json_loads(json, 0, NULL);
		assert_true(json_is_false(json_object_get(root, "total_varies")));
		json_t *input = json_array_get(json_object_get(root, "inputs"), 0);
		assert_true(json_is_null(json_object_get(input, nulls[m])));
		json_decref(root);
		free(json);
		char *text = summary_of(a);
		if (methods[m] != ANALYSIS_TORNADO)
			assert_non_null(strstr(text, "The Total does not vary over these ranges"));
		free(text);
		study_close(&st);
		diag_free(&d);
		free(a);
	}
}

/* Two inputs with made-up indices of P(pass): the first's first-order
 * index, 0.9 [0.8, 1.0], lies above its total, 0.3 [0.2, 0.4]; the
 * second's, 0.35 [0.25, 0.45] against 0.3 [0.2, 0.4], lies above it only
 * within their intervals. The Total's indices are consistent. */
static void a_first_order_index_above_its_total_is_warned_of(void **state)
{
	(void)state;
	struct analysis_result *a = calloc(1, sizeof *a);
	a->header.command = "sensitivity";
	a->header.scenario = "made up";
	a->method = ANALYSIS_SOBOL;
	a->k = 2;
	memcpy(a->inputs, materials, sizeof materials);
	a->pass_varies = a->total_varies = 1;
	const double first[2][3] = {{0.9, 0.8, 1.0}, {0.35, 0.25, 0.45}};
	for (int i = 0; i < 2; i++) {
		struct analysis_sobol *p = &a->sobol_pass, *t = &a->sobol_total;
		p->first[i] = first[i][0];
		p->first_lo[i] = first[i][1];
		p->first_hi[i] = first[i][2];
		p->total[i] = 0.3;
		p->total_lo[i] = 0.2;
		p->total_hi[i] = 0.4;
		t->first[i] = 0.2;
		t->first_lo[i] = 0.1;
		t->first_hi[i] = 0.3;
		t->total[i] = 0.5;
		t->total_lo[i] = 0.4;
		t->total_hi[i] = 0.6;
	}
	struct diag d;
	diag_init(&d, NULL);
	analysis_check_indices(a, &d);
	assert_true(a->first_above_total[1][0]);
	assert_false(a->first_above_total[1][1]);
	assert_false(a->first_above_total[0][0]);
	assert_false(a->first_above_total[0][1]);
	assert_int_equal(d.count, 1);
	assert_int_equal(d.entries[0].kind, DIAG_WARNING);
	assert_true(diag_contains(&d, "materials.archives.loss_probability: the first-order index of "
				      "P(pass), 0.900 [0.800, 1.000], lies above its total index, 0.300 "
				      "[0.200, 0.400], by more than their intervals allow"));
	char *json = decision_json_analysis(a);
	json_t *root = json_loads(json, 0, NULL);
	json_t *inputs = json_object_get(root, "inputs");
	json_t *pass0 = json_object_get(json_array_get(inputs, 0), "pass");
	json_t *pass1 = json_object_get(json_array_get(inputs, 1), "pass");
	assert_true(json_is_true(json_object_get(pass0, "first_above_total")));
	assert_null(json_object_get(pass1, "first_above_total"));
	json_decref(root);
	free(json);
	char *text = summary_of(a);
	assert_non_null(strstr(text, "warning: materials.archives.loss_probability: the first-order"));
	assert_null(strstr(text, "warning: materials.archives.points"));
	free(text);
	diag_free(&d);
	free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_constant_p_pass_has_no_sobol_index),
		cmocka_unit_test(a_constant_p_pass_has_no_morris_effect_or_tornado_swing),
		cmocka_unit_test(a_first_order_index_above_its_total_is_warned_of),
		cmocka_unit_test(an_input_that_moves_nothing_has_no_effect_on_either_output),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
