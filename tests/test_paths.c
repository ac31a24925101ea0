/*
 * paths: patterns (`districts.*.rectify_rate`) and scaling (`PATH*=F`) in
 * parameter paths (docs/model.md 2.4), as --set, --variant, sweep and
 * sensitivity give them to the scenario layer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "assert_close.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

/* Three districts: one with its own scalar, one with an entry, one from the defaults. */
static const char city[] =
	"version = 1;\n"
	"campaign: { weeks = 12; };\n"
	"inspection: { window = [9, 12]; batches = 2; };\n"
	"categories = (\n"
	"  { name = \"main_road\"; weight = 8.0; deduction = 0.25; lottery = 3; random_view = 1; },\n"
	"  { name = \"back_street\"; weight = 6; deduction = 0.2; lottery = 2; random_view = 2; }\n"
	");\n"
	"defaults: { sites = 40; declared = 5; problems = 30; new_per_week = 1.0; rebound = 0.05;\n"
	"            rectify_rate = { main_road = 0.1; back_street = 0.2; }; };\n"
	"districts = (\n"
	"  { name = \"Chengguan\"; population = 320000.0; satisfaction = 0.86; rectify_rate = 0.3; },\n"
	"  { name = \"Xigu\"; population = 180000.0; satisfaction = 0.84;\n"
	"    rectify_rate = { back_street = 0.4; }; },\n"
	"  { name = \"Hexi\"; population = 100000.0; satisfaction = 0.84; }\n"
	");\n"
	"survey: { respondents = 1201; weight = 20.0; };\n"
	"pass: { rule = \"threshold\"; threshold = 20.0; };\n"
	"policies = ( { plugin = \"road_chief\"; params = { boost = 0.1; staff = 4; }; },\n"
	"             { plugin = \"steady_work\"; params = { boost = 0.2; name = \"x\"; }; } );\n";

/* The city with SETTINGS (N); NULL when refused, the problems in D (to free). */
static struct scenario *with(const struct parameter_setting *settings, int n, struct diag *d)
{
	diag_init(d, "city.cfg");
	struct scenario_source *src = scenario_source_read_string(city, "city.cfg", d);
	assert_non_null(src);
	struct scenario *s = scenario_source_resolve(src, settings, n, d);
	scenario_source_free(src);
	return s;
}

/* The city with one setting PATH=VALUE, which must be valid. */
static struct scenario *set_one(const char *path, double value)
{
	struct parameter_setting set = {path, value, 0, 0};
	struct diag d;
	struct scenario *s = with(&set, 1, &d);
	if (s == NULL)
		diag_print(&d, stderr);
	assert_non_null(s);
	diag_free(&d);
	return s;
}

static double rate(const struct scenario *s, int district, int category)
{
	return scenario_cell(s, district, category)->rectify_rate;
}

static void a_pattern_sets_every_match_at_its_level(void **state)
{
	(void)state;
	struct scenario *s = set_one("districts.*.rectify_rate", 0.5);
	assert_close(rate(s, 0, 0), 0.5, 0.0);
	assert_close(rate(s, 0, 1), 0.5, 0.0);
	assert_close(rate(s, 1, 0), 0.5, 0.0);
	assert_close(rate(s, 1, 1), 0.4, 0.0); /* Xigu's entry still overrides its scalar */
	assert_close(rate(s, 2, 0), 0.5, 0.0);
	scenario_free(s);
	s = set_one("districts.*.rectify_rate.*", 0.6); /* every district's every entry */
	for (int d = 0; d < 3; d++)
		for (int c = 0; c < 2; c++)
			assert_close(rate(s, d, c), 0.6, 0.0);
	scenario_free(s);
	s = set_one("categories.*.deduction", 0.5);
	assert_close(s->categories[0].deduction, 0.5, 0.0);
	assert_close(s->categories[1].deduction, 0.5, 0.0);
	scenario_free(s);
}

static void scaling_a_district_path_scales_whatever_level_gave_the_value(void **state)
{
	(void)state;
	struct scenario *s = set_one("districts.*.rectify_rate*", 1.5);
	assert_close(rate(s, 0, 0), 0.45, 1e-15);  /* Chengguan's scalar */
	assert_close(rate(s, 0, 1), 0.45, 1e-15);
	assert_close(rate(s, 1, 0), 0.15, 1e-15);  /* Xigu: the defaults' entry */
	assert_close(rate(s, 1, 1), 0.6, 1e-15);   /* Xigu's own entry */
	assert_close(rate(s, 2, 0), 0.15, 1e-15);  /* Hexi: the defaults */
	assert_close(rate(s, 2, 1), 0.3, 1e-15);
	scenario_free(s);
	s = set_one("districts.Xigu.rectify_rate.back_street*", 0.5);
	assert_close(rate(s, 1, 1), 0.2, 1e-15);
	assert_close(rate(s, 1, 0), 0.1, 0.0);
	assert_close(rate(s, 0, 1), 0.3, 0.0);
	scenario_free(s);
}

static void scaling_the_defaults_scales_only_the_values_they_give(void **state)
{
	(void)state;
	struct scenario *s = set_one("defaults.rectify_rate*", 2.0);
	assert_close(rate(s, 0, 0), 0.3, 0.0);  /* Chengguan gives its own */
	assert_close(rate(s, 1, 0), 0.2, 1e-15);
	assert_close(rate(s, 1, 1), 0.4, 0.0);  /* Xigu's own entry */
	assert_close(rate(s, 2, 1), 0.4, 1e-15);
	scenario_free(s);
	s = set_one("defaults.rectify_rate.main_road*", 2.0);
	assert_close(rate(s, 2, 0), 0.2, 1e-15);
	assert_close(rate(s, 2, 1), 0.2, 0.0);
	scenario_free(s);
}

static void scaled_whole_numbers_take_the_nearest(void **state)
{
	(void)state;
	struct scenario *s = set_one("survey.respondents*", 1.5);
	assert_int_equal(s->survey.respondents, 1802); /* 1801.5, to the nearest even */
	scenario_free(s);
	s = set_one("districts.*.sites*", 1.1);
	assert_int_equal(scenario_cell(s, 0, 0)->sites, 44);
	scenario_free(s);
	assert_true(scenario_path_is_integer("districts.*.sites"));
	assert_false(scenario_path_is_integer("districts.*.sites*"));
}

static void a_setting_and_a_scale_combine(void **state)
{
	(void)state;
	struct parameter_setting two[2] = {{"districts.Hexi.rectify_rate", 0.25, 0, 0},
					   {"districts.*.rectify_rate*", 2.0, 0, 0}};
	struct diag d;
	struct scenario *s = with(two, 2, &d);
	assert_non_null(s);
	assert_close(rate(s, 2, 0), 0.5, 0.0);
	assert_close(rate(s, 2, 1), 0.5, 0.0);
	diag_free(&d);
	scenario_free(s);
}

static void policy_parameters_by_pattern_and_scale(void **state)
{
	(void)state;
	struct scenario *s = set_one("policies.*.params.boost*", 2.0);
	assert_string_equal(s->policies[0].params[0].key, "boost");
	assert_close(s->policies[0].params[0].number, 0.2, 1e-15);
	assert_close(s->policies[1].params[0].number, 0.4, 1e-15);
	assert_close(s->policies[0].params[1].number, 4.0, 0.0); /* staff: not matched */
	scenario_free(s);
	s = set_one("policies.*.params.boost", 0.3);
	assert_close(s->policies[0].params[0].number, 0.3, 0.0);
	assert_close(s->policies[1].params[0].number, 0.3, 0.0);
	scenario_free(s);
	/* a scale of a string parameter is refused */
	struct parameter_setting name = {"policies.2.params.name*", 2.0, 0, 0};
	struct diag d;
	assert_null(with(&name, 1, &d));
	assert_true(diag_contains(&d, "policies.2.params.name* is not a number in the scenario"));
	diag_free(&d);
}

static void out_of_range_results_are_said_once_with_a_count(void **state)
{
	(void)state;
	struct parameter_setting set = {"districts.*.rectify_rate*", 5.0, 0, 0};
	struct diag d;
	assert_null(with(&set, 1, &d));
	assert_int_equal(d.count, 2);
	assert_true(diag_contains(&d, "districts.*.rectify_rate*=5: 'rectify_rate' of district "
				      "'Chengguan', category 'main_road' would be 1.5 (0.3 x 5), must be "
				      "a number within [0, 1]"));
	assert_true(diag_contains(&d, "districts.*.rectify_rate*=5: 2 more values would leave the "
				      "range likewise"));
	diag_free(&d);
	/* a pattern's value out of range: one message, not one per match */
	struct parameter_setting bad = {"districts.*.rectify_rate", 1.5, 0, 0};
	assert_null(with(&bad, 1, &d));
	assert_int_equal(d.count, 1);
	assert_true(diag_contains(&d, "districts.*.rectify_rate=1.5: 'rectify_rate' must be a number "
				      "within [0, 1]"));
	diag_free(&d);
}

static void a_pattern_matching_nothing_is_refused(void **state)
{
	(void)state;
	const char *paths[] = {"districts.*.rectfy_rate", "districts.*.rectify_rate.alley*",
			       "nowhere.*"};
	for (int i = 0; i < 3; i++) {
		struct parameter_setting set = {paths[i], 1.0, 0, 0};
		struct diag d;
		assert_null(with(&set, 1, &d));
		char needle[128];
		snprintf(needle, sizeof needle, "no parameter path '%s'", paths[i]);
		assert_true(diag_contains(&d, needle));
		diag_free(&d);
	}
}

/* A policy's districts set by a list (policies.N.districts=[A, B]): they
 * replace the file's (here none: every district), by number or pattern,
 * and every name is checked like the file's. */
static void a_policy_s_districts_are_set_by_a_list(void **state)
{
	(void)state;
	struct parameter_setting set = {"policies.1.districts=[Xigu, \"Hexi\"]", 0.0, 0, 0};
	struct diag d;
	struct scenario *s = with(&set, 1, &d);
	assert_non_null(s);
	assert_int_equal(d.count, 0);
	assert_int_equal(s->policies[0].n_targets, 2);
	assert_string_equal(s->policies[0].targets[0], "Xigu");
	assert_string_equal(s->policies[0].targets[1], "Hexi");
	assert_int_equal(s->policies[1].n_targets, 0); /* the second: still every district */
	scenario_free(s);
	diag_free(&d);

	struct parameter_setting every = {"policies.*.districts=[Chengguan]", 0.0, 0, 0};
	s = with(&every, 1, &d);
	assert_non_null(s);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(s->policies[i].n_targets, 1);
		assert_string_equal(s->policies[i].targets[0], "Chengguan");
	}
	scenario_free(s);
	diag_free(&d);

	/* an unknown district, an empty list, a policy the scenario lacks */
	struct parameter_setting typo = {"policies.1.districts=[Xigu, Hexy]", 0.0, 0, 0};
	assert_null(with(&typo, 1, &d));
	assert_true(diag_contains(&d, "policies.1.districts=[Xigu, Hexy] (a --set or --variant): "
				      "'Hexy' names no district; did you mean 'Hexi'?"));
	diag_free(&d);
	struct parameter_setting none = {"policies.2.districts=[ ]", 0.0, 0, 0};
	assert_null(with(&none, 1, &d));
	assert_true(diag_contains(&d, "names no district: give one or more"));
	diag_free(&d);
	struct parameter_setting third = {"policies.3.districts=[Xigu]", 0.0, 0, 0};
	assert_null(with(&third, 1, &d));
	assert_true(diag_contains(&d, "'policies.3.districts': the scenario has 2 policies, so "
				      "policies.3 names none"));
	diag_free(&d);
	/* a number past any int: named as written, not as a wrapped or clamped int */
	struct parameter_setting huge = {"policies.99999999999999999999.params.x=1", 0.0, 0, 0};
	assert_null(with(&huge, 1, &d));
	assert_true(diag_contains(&d, "the scenario has 2 policies, so "
				      "policies.99999999999999999999 names none"));
	diag_free(&d);
	/* a district named twice: valid, with a warning */
	struct parameter_setting twice = {"policies.1.districts=[Xigu, Xigu]", 0.0, 0, 0};
	s = with(&twice, 1, &d);
	assert_non_null(s);
	assert_int_equal(d.count, 1);
	assert_int_equal(d.entries[0].kind, DIAG_WARNING);
	assert_true(diag_contains(&d, "names 'Xigu' twice"));
	scenario_free(s);
	diag_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_pattern_sets_every_match_at_its_level),
		cmocka_unit_test(scaling_a_district_path_scales_whatever_level_gave_the_value),
		cmocka_unit_test(scaling_the_defaults_scales_only_the_values_they_give),
		cmocka_unit_test(scaled_whole_numbers_take_the_nearest),
		cmocka_unit_test(a_setting_and_a_scale_combine),
		cmocka_unit_test(policy_parameters_by_pattern_and_scale),
		cmocka_unit_test(out_of_range_results_are_said_once_with_a_count),
		cmocka_unit_test(a_pattern_matching_nothing_is_refused),
		cmocka_unit_test(a_policy_s_districts_are_set_by_a_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
