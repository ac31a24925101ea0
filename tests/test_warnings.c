/*
 * warnings: values that are valid but almost surely not what was meant
 * (issue 13), each a DIAG_WARNING at the line that wrote it, kept in the
 * scenario's own list, and errors under SCENARIO_STRICT; and the
 * sensitivity list's paths and ranges, which check and run refuse alike.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "temp_file.h"
#include "diag_printout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario.h"

#include <omp.h>

/* A valid scenario without a warning; the tests edit it. Line numbers matter. */
static const char city[] =
	"version = 1;\n"                                                              /* 1 */
	"campaign: { weeks = 12; };\n"                                                /* 2 */
	"inspection: { window = [9, 12]; batches = 2; };\n"                           /* 3 */
	"categories = (\n"                                                            /* 4 */
	"  { name = \"main_road\"; weight = 30.0; deduction = 0.25; lottery = 3; random_view = 1; },\n" /* 5 */
	"  { name = \"back_street\"; weight = 30.0; deduction = 0.2; lottery = 2; random_view = 2; },\n" /* 6 */
	"  { name = \"market\"; weight = 20.0; deduction = 0.2; lottery = 2; random_view = 2; }\n" /* 7 */
	");\n"                                                                        /* 8 */
	"defaults: { sites = 40; declared = 5; problems = 30; new_per_week = 1.0; rebound = 0.05;\n" /* 9 */
	"            rectify_rate = 0.15; };\n"                                       /* 10 */
	"districts = (\n"                                                             /* 11 */
	"  { name = \"A\"; population = 320000.0; satisfaction = 0.86; },\n"          /* 12 */
	"  { name = \"B\"; population = 180000.0; satisfaction = 0.84;\n"             /* 13 */
	"    rectify_rate = { main_road = 0.2; }; }\n"                                /* 14 */
	");\n"                                                                        /* 15 */
	"survey: { respondents = 1200; weight = 20.0; veto_below = 80.0; };\n"        /* 16 */
	"pass: { rule = \"threshold\"; threshold = 85.0; };\n"                        /* 17 */
	"policies = ( { plugin = \"road_chief\"; districts = [\"A\"]; } );\n"         /* 18 */
	"sensitivity = ( { path = \"districts.*.rectify_rate*\"; low = 0.5; high = 1.2; } );\n"; /* 19 */

/* CITY with OLD replaced by NEW (which must be found). */
static char *edited(const char *old, const char *new)
{
	const char *at = strstr(city, old);
	assert_non_null(at);
	size_t before = (size_t)(at - city);
	char *text = malloc(strlen(city) - strlen(old) + strlen(new) + 1);
	memcpy(text, city, before);
	strcpy(text + before, new);
	strcat(text, at + strlen(old));
	return text;
}

/* TEXT resolved with FLAGS; D receives the problems (free them). */
static struct scenario *load(const char *text, unsigned flags, struct diag *d)
{
	diag_init(d, "city.cfg");
	struct scenario_source *src = scenario_source_read_string(text, "city.cfg", d);
	assert_non_null(src);
	struct scenario *s = scenario_source_resolve_with(src, NULL, 0, flags, d);
	scenario_source_free(src);
	return s;
}

/* Asserts that the edit gives one warning, at LINE, saying NEEDLE; valid, and
 * refused under SCENARIO_STRICT with the same words. */
static void expect_warning(const char *old, const char *new, int line, const char *needle)
{
	char *text = edited(old, new);
	struct diag d;
	struct scenario *s = load(text, 0, &d);
	if (s == NULL || d.count != 1 || s->warnings.count != 1)
		diag_print(&d, stderr);
	assert_non_null(s);
	assert_int_equal(d.count, 1);
	assert_int_equal(d.entries[0].kind, DIAG_WARNING);
	assert_int_equal(d.entries[0].line, line);
	if (strstr(d.entries[0].message, needle) == NULL)
		fail_msg("wanted '%s' in '%s'", needle, d.entries[0].message);
	/* the scenario's own list, for the JSON */
	assert_int_equal(s->warnings.count, 1);
	assert_int_equal(s->warnings.entries[0].line, line);
	assert_string_equal(s->warnings.entries[0].message, d.entries[0].message);
	scenario_free(s);
	diag_free(&d);
	assert_null(load(text, SCENARIO_STRICT, &d));
	assert_int_equal(diag_errors(&d), 1);
	assert_true(diag_contains(&d, needle));
	assert_true(diag_contains(&d, "(an error with --strict)"));
	diag_free(&d);
	free(text);
}

static void the_city_has_no_warning(void **state)
{
	(void)state;
	struct diag d;
	struct scenario *s = load(city, SCENARIO_STRICT, &d);
	if (d.count > 0)
		diag_print(&d, stderr);
	assert_non_null(s);
	assert_int_equal(d.count, 0);
	assert_int_equal(s->warnings.count, 0);
	scenario_free(s);
	diag_free(&d);
}

static void a_veto_written_as_a_fraction(void **state)
{
	(void)state;
	expect_warning("veto_below = 80.0;", "veto_below = 0.8;", 16,
		       "survey: veto_below = 0.8 is in percent: it vetoes a satisfaction below 0.8 %, "
		       "which never happens (satisfactions are shares, 0.86 is 86 %); for a veto below "
		       "80 % write veto_below = 80;");
}

static void a_threshold_never_reached_or_always(void **state)
{
	(void)state;
	/* the case: survey.weight 0.2 for 20 */
	expect_warning("weight = 20.0; veto", "weight = 0.2; veto", 17,
		       "pass: threshold 85 is above the greatest Total this scenario can produce, 80.2 "
		       "(the Total can range over [0, 80.2]): P(pass) is 0 whatever happens");
	expect_warning("threshold = 85.0;", "threshold = 0.0;", 17,
		       "pass: threshold 0 is at most the least Total this scenario can produce, 0");
}

static void a_campaign_share_typed_as_a_weekly_rate(void **state)
{
	(void)state;
	expect_warning("rectify_rate = 0.15; };", "rectify_rate = 0.82; };", 10,
		       "rectify_rate = 0.82 is a weekly rate: 82 % of the open problems fixed every "
		       "week, so only 1.2e-09 of today's problems would still be open after the "
		       "campaign's 12 weeks; if 82 % are fixed over N weeks, the weekly rate is "
		       "1 - (1 - 0.82)^(1/N): 0.133 for the campaign's N = 12");
	expect_warning("main_road = 0.2; };", "main_road = 0.6; };", 14, "rectify_rate = 0.6 is a weekly rate");
	/* 0.5 is a fast but possible weekly rate */
	char *text = edited("main_road = 0.2; };", "main_road = 0.5; };");
	struct diag d;
	struct scenario *s = load(text, SCENARIO_STRICT, &d);
	assert_non_null(s);
	scenario_free(s);
	diag_free(&d);
	free(text);
}

static void a_district_scalar_multiplies_across_categories(void **state)
{
	(void)state;
	expect_warning("satisfaction = 0.86; },", "satisfaction = 0.86; problems = 1200; },", 12,
		       "district 'A': problems = 1200 is per category: 1200 in each of the 3 "
		       "categories, 3600 in all (the district's totals: 120 sites, 15 declared, 3600 "
		       "problems); to give the district 1200 problems in all, spread them");
	expect_warning("satisfaction = 0.86; },", "satisfaction = 0.86; sites = 50; },", 12,
		       "sites = 50 is per category: 50 in each of the 3 categories, 150 in all");
	/* a scalar left for one category does not multiply */
	char *text = edited("satisfaction = 0.86; },",
			    "satisfaction = 0.86; problems = 5; },");
	struct diag d;
	struct scenario *s = load(text, 0, &d);
	assert_non_null(s);
	assert_int_equal(s->warnings.count, 1); /* 3 categories: it does */
	scenario_free(s);
	diag_free(&d);
	free(text);
}

/* A name with a control character is valid (the JSON and CSV escape it)
 * but warned about, the warning saying where without printing the name. */
static void a_name_with_a_control_character(void **state)
{
	(void)state;
	expect_warning("{ name = \"B\";", "{ name = \"B\\x1b[2J\";", 13,
		       "districts entry 2: 'name' has the control character U+001B at character 2");
	expect_warning("{ name = \"B\";", "{ name = \"B\\tb\";", 13, "U+0009 at character 2");
	expect_warning("{ name = \"market\";", "{ name = \"mar\xc2\x85ket\";", 7,
		       "categories entry 3: 'name' has the control character U+0085 at character 4");
	expect_warning("version = 1;\n", "version = 1; name = \"\xe5\x8c\xba\\r\";\n", 1,
		       "the scenario: 'name' has the control character U+000D at character 2");
	/* printable names, CJK and emoji among them, warn about nothing */
	char *text = edited("{ name = \"B\";", "{ name = \"\xe5\x8c\xba \xf0\x9f\x9a\x80 \\\"q\\\"\";");
	struct diag d;
	struct scenario *s = load(text, 0, &d);
	assert_non_null(s);
	assert_int_equal(d.count, 0);
	scenario_free(s);
	diag_free(&d);
	free(text);
	/* the message holds no control character: the name is not printed */
	text = edited("{ name = \"B\";", "{ name = \"B\\x1b[2J\";");
	s = load(text, 0, &d);
	assert_non_null(s);
	assert_null(strchr(d.entries[0].message, '\x1b'));
	scenario_free(s);
	diag_free(&d);
	free(text);
}

static void a_policy_with_no_or_repeated_targets(void **state)
{
	(void)state;
	expect_warning("districts = [\"A\"]; }", "districts = []; }", 18,
		       "policy 1 (road_chief): districts = [] names no district, so the policy applies "
		       "to every district");
	expect_warning("districts = [\"A\"]; }", "districts = [\"A\", \"B\", \"A\"]; }", 18,
		       "policy 1 (road_chief): districts names 'A' twice, so the policy is applied to it "
		       "twice");
}

/* check and run refuse the same things: the loader itself checks the
 * sensitivity list's paths and ranges. */
static void the_sensitivity_list_is_checked_when_read(void **state)
{
	(void)state;
	char *text = edited("path = \"districts.*.rectify_rate*\"", "path = \"districts.Nowhere.rectify_rate\"");
	struct diag d;
	assert_null(load(text, 0, &d));
	assert_int_equal(d.count, 1);
	assert_int_equal(d.entries[0].line, 19);
	assert_true(diag_contains(&d, "sensitivity entry 1: no parameter path "
				      "'districts.Nowhere.rectify_rate'; the nearest valid paths are"));
	diag_free(&d);
	free(text);
	text = edited("high = 1.2;", "high = 9.0;");
	assert_null(load(text, 0, &d));
	assert_int_equal(d.count, 1);
	assert_true(diag_contains(&d, "sensitivity entry 1: districts.*.rectify_rate* from 0.5 to 9 "
				      "leaves the key's range: 'rectify_rate' of district 'A', category "
				      "'main_road' would be 1.35, must be a number within [0, 1]"));
	diag_free(&d);
	free(text);
	text = edited("path = \"districts.*.rectify_rate*\"; low = 0.5; high = 1.2;",
		      "path = \"survey.veto_below\"; low = 50; high = 120;");
	assert_null(load(text, 0, &d));
	assert_true(diag_contains(&d, "'veto_below' would be 120, must be a number within [0, 100]"));
	diag_free(&d);
	free(text);
	/* a policy's parameter: the policy must exist; the plugin checks the key */
	text = edited("path = \"districts.*.rectify_rate*\"", "path = \"policies.2.params.boost\"");
	assert_null(load(text, 0, &d));
	assert_true(diag_contains(&d, "sensitivity entry 1: 'policies.2.params.boost': the scenario has "));
	assert_true(diag_contains(&d, "so policies.2 names none"));
	diag_free(&d);
	free(text);
	text = edited("path = \"districts.*.rectify_rate*\"", "path = \"policies.1.params.boost\"");
	struct scenario *s = load(text, 0, &d);
	assert_non_null(s);
	scenario_free(s);
	diag_free(&d);
	free(text);
}

/* A long city's warnings, looked for on threads, come in the districts'
 * order with a rate's line said once, whatever the threads: districts 2499
 * and 2500 (where two threads' halves meet) share a line and a rate above
 * 0.5, which is one warning. */
static void a_long_city_warns_in_order_on_several_threads(void **state)
{
	(void)state;
	enum { N = 5000 };
	const char *head_end = strstr(city, "districts = (\n") + strlen("districts = (\n");
	size_t head = (size_t)(head_end - city), size = head + (size_t)N * 120 + 512;
	char *text = malloc(size);
	assert_non_null(text);
	memcpy(text, city, head);
	size_t used = head;
	for (int i = 0; i < N; i++) {
		const char *extra = i == 10 ? " sites = 30;" : i == 2499 || i == 2500 ? " rectify_rate = 0.6;"
				  : i == 4000 ? " rectify_rate = { main_road = 0.7; };" : "";
		char name[16]; /* the policy's target is A */
		snprintf(name, sizeof name, i == 0 ? "A" : "D%d", i);
		used += (size_t)snprintf(text + used, size - used,
					 "  { name = \"%s\"; population = 1000.0; satisfaction = 0.85;%s }%s", name,
					 extra, i + 1 == N ? "\n" : i == 2499 ? ", " : ",\n");
	}
	snprintf(text + used, size - used, "%s", strstr(city, ");\nsurvey"));
	char *expected = NULL;
	for (int threads = 1; threads <= 3; threads++) {
		omp_set_num_threads(threads);
		struct diag d;
		struct scenario *s = load(text, 0, &d);
		assert_non_null(s);
		assert_int_equal(d.count, 3);
		assert_int_equal(d.entries[0].line, 12 + 10);
		assert_true(strstr(d.entries[0].message, "district 'D10': sites = 30 is per category") != NULL);
		assert_int_equal(d.entries[1].line, 12 + 2499);
		assert_true(strstr(d.entries[1].message, "rectify_rate = 0.6 is a weekly rate") != NULL);
		assert_int_equal(d.entries[2].line, 12 + 3999);
		assert_true(strstr(d.entries[2].message, "rectify_rate = 0.7 is a weekly rate") != NULL);
		char *now = diag_printout(&d);
		if (expected == NULL) {
			expected = now;
		} else {
			assert_string_equal(now, expected);
			free(now);
		}
		scenario_free(s);
		diag_free(&d);
	}
	omp_set_num_threads(1);
	free(expected);
	free(text);
}

/* A warning in a later file of a layered scenario names that file. */
static void an_overlay_s_warning_names_the_overlay(void **state)
{
	(void)state;
	char base[64], plan[64], joined[160];
	write_temp_file(base, city);
	write_temp_file(plan, "# plan\nsurvey: { veto_below = 0.75; };\n");
	snprintf(joined, sizeof joined, "%s+%s", base, plan);
	struct diag d;
	diag_init(&d, joined);
	struct scenario *s = scenario_load_file(joined, &d);
	assert_non_null(s);
	assert_int_equal(d.count, 1);
	assert_string_equal(d.entries[0].file, plan);
	assert_int_equal(d.entries[0].line, 2);
	assert_string_equal(s->warnings.entries[0].file, plan);
	scenario_free(s);
	diag_free(&d);
	unlink(base);
	unlink(plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_city_has_no_warning),
		cmocka_unit_test(a_veto_written_as_a_fraction),
		cmocka_unit_test(a_threshold_never_reached_or_always),
		cmocka_unit_test(a_campaign_share_typed_as_a_weekly_rate),
		cmocka_unit_test(a_district_scalar_multiplies_across_categories),
		cmocka_unit_test(a_name_with_a_control_character),
		cmocka_unit_test(a_policy_with_no_or_repeated_targets),
		cmocka_unit_test(the_sensitivity_list_is_checked_when_read),
		cmocka_unit_test(an_overlay_s_warning_names_the_overlay),
		cmocka_unit_test(a_long_city_warns_in_order_on_several_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
