/*
 * layers: a scenario given as several files joined by '+' (docs/model.md 2):
 * each merge rule, and every message naming the file and line where the
 * value was written.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "assert_close.h"
#include "temp_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario.h"
#include "uncertain.h"

/* The base city. Line numbers matter. */
static const char city[] =
	"version = 1;\n"                                                              /* 1 */
	"name = \"Layered\";\n"                                                       /* 2 */
	"campaign: { weeks = 12; };\n"                                                /* 3 */
	"inspection: { window = [9, 12]; batches = 2; };\n"                           /* 4 */
	"categories = (\n"                                                            /* 5 */
	"  { name = \"main_road\"; weight = 8.0; deduction = 0.25; lottery = 3; random_view = 1; },\n" /* 6 */
	"  { name = \"back_street\"; weight = 6; deduction = 0.2; lottery = 2; random_view = 2; }\n" /* 7 */
	");\n"                                                                        /* 8 */
	"defaults: { sites = 40; declared = 5; problems = 30; rectify_rate = 0.15; rebound = 0.05; new_per_week = 1.0; };\n" /* 9 */
	"districts = (\n"                                                             /* 10 */
	"  { name = \"Chengguan\"; population = 320000.0; satisfaction = 0.86;\n"     /* 11 */
	"    rectify_rate = 0.18; new_per_week = { back_street = 6; }; },\n"          /* 12 */
	"  { name = \"Xigu\"; population = 180000.0; satisfaction = 0.84; }\n"        /* 13 */
	");\n"                                                                        /* 14 */
	"survey: { respondents = 1200; weight = 20.0; veto_below = 80.0; };\n"        /* 15 */
	"pass: { rule = \"threshold\"; threshold = 20.0; };\n"                        /* 16 */
	"policies = ( { plugin = \"road_chief\"; districts = [\"Chengguan\"]; } );\n" /* 17 */
	"sensitivity = ( { path = \"defaults.rectify_rate\"; low = 0.1; high = 0.3; } );\n"; /* 18 */

struct files {
	char base[64];
	char overlay[64];
	char third[64];
	char joined[256];
};

/* Writes the city and OVERLAY (and THIRD when not NULL); JOINED names them with '+'. */
static void write_files(struct files *f, const char *overlay, const char *third)
{
	write_temp_file(f->base, city);
	write_temp_file(f->overlay, overlay);
	f->third[0] = '\0';
	if (third != NULL)
		write_temp_file(f->third, third);
	snprintf(f->joined, sizeof f->joined, "%s+%s%s%s", f->base, f->overlay, third ? "+" : "",
		 third ? f->third : "");
}

static void remove_files(struct files *f)
{
	unlink(f->base);
	unlink(f->overlay);
	if (f->third[0])
		unlink(f->third);
}

/* The scenario of the city with OVERLAY on top; asserts it is valid. */
static struct scenario *load(struct files *f, const char *overlay, const char *third)
{
	write_files(f, overlay, third);
	struct diag d;
	diag_init(&d, f->joined);
	struct scenario *s = scenario_load_file(f->joined, &d);
	if (s == NULL)
		diag_print(&d, stderr);
	assert_non_null(s);
	diag_free(&d);
	return s;
}

static int index_of(const struct scenario *s, const char *district)
{
	for (int i = 0; i < s->n_districts; i++)
		if (strcmp(s->districts[i].name, district) == 0)
			return i;
	return -1;
}

/* Asserts that some entry of D is at FILE:LINE and says NEEDLE. */
static void expect_at(const struct diag *d, const char *file, int line, const char *needle)
{
	for (int i = 0; i < d->count; i++) {
		const struct diag_entry *e = &d->entries[i];
		const char *own = e->file ? e->file : d->file;
		if (strcmp(own, file) == 0 && e->line == line && strstr(e->message, needle) != NULL)
			return;
	}
	diag_print(d, stderr);
	fail_msg("no problem at %s:%d saying \"%s\"", file, line, needle);
}

/* Loads the city with OVERLAY, which must fail; returns the problems (free them). */
static struct diag refused(struct files *f, const char *overlay)
{
	write_files(f, overlay, NULL);
	struct diag d;
	diag_init(&d, f->joined);
	struct scenario *s = scenario_load_file(f->joined, &d);
	assert_null(s);
	assert_true(diag_errors(&d) > 0);
	return d;
}

static void a_scalar_replaces_and_a_group_merges(void **state)
{
	(void)state;
	struct files f;
	struct scenario *s = load(&f, "survey: { weight = 25.0; };\nname = \"Plan B\";\n", NULL);
	assert_close(s->survey.weight, 25.0, 0.0);
	assert_int_equal(s->survey.respondents, 1200); /* the group merged key by key */
	assert_close(s->survey.veto_below, 80.0, 0.0);
	assert_string_equal(s->name, "Plan B");
	assert_int_equal(s->n_layers, 2);
	assert_string_equal(s->layers[1], f.overlay);
	/* check's origins: the file and line of each later value, and what it replaced */
	assert_int_equal(s->n_origins, 2);
	assert_string_equal(s->origins[0].path, "survey.weight = 25");
	assert_string_equal(s->origins[0].kind, "replaces");
	assert_string_equal(s->origins[0].file, f.overlay);
	assert_int_equal(s->origins[0].line, 1);
	assert_string_equal(s->origins[0].replaced_file, f.base);
	assert_int_equal(s->origins[0].replaced_line, 15);
	scenario_free(s);
	remove_files(&f);
}

static void named_entries_merge_by_name_and_new_names_are_appended(void **state)
{
	(void)state;
	struct files f;
	struct scenario *s = load(&f,
				  "districts = (\n"
				  "  { name = \"Xigu\"; population = 200000.0; },\n"
				  "  { name = \"Anning\"; population = 90000.0; satisfaction = 0.9; }\n"
				  ");\n"
				  "categories = ( { name = \"back_street\"; deduction = 0.3; } );\n",
				  NULL);
	assert_int_equal(s->n_districts, 3);
	assert_int_equal(index_of(s, "Chengguan"), 0);
	assert_int_equal(index_of(s, "Xigu"), 1);
	assert_int_equal(index_of(s, "Anning"), 2);
	assert_close(s->districts[1].population, 200000.0, 0.0);
	assert_close(s->districts[1].satisfaction, 0.84, 0.0); /* kept */
	assert_close(s->districts[2].satisfaction, 0.9, 0.0);
	assert_int_equal(scenario_cell(s, 2, 0)->sites, 40); /* the new district takes the defaults */
	assert_int_equal(s->n_categories, 2);
	assert_close(s->categories[1].deduction, 0.3, 0.0);
	assert_close(s->categories[1].weight, 6.0, 0.0);
	scenario_free(s);
	remove_files(&f);
}

static void policy_like_lists_are_appended(void **state)
{
	(void)state;
	struct files f;
	struct scenario *s = load(&f,
				  "policies = ( { plugin = \"steady_work\"; districts = [\"Xigu\"]; } );\n"
				  "sensitivity = ( { path = \"survey.weight\"; low = 10; high = 30; } );\n",
				  NULL);
	assert_int_equal(s->n_policies, 2);
	assert_string_equal(s->policies[0].plugin, "road_chief");
	assert_string_equal(s->policies[1].plugin, "steady_work");
	assert_int_equal(s->n_sensitivity, 2);
	assert_string_equal(s->sensitivity[1].path, "survey.weight");
	assert_int_equal(s->sensitivity[1].line, 2); /* the overlay's own line */
	assert_int_equal(s->policies[1].line, 1);
	scenario_free(s);
	remove_files(&f);
}

/* Uncertain inputs are appended too, even from two later files. */
static void uncertain_inputs_are_appended(void **state)
{
	(void)state;
	struct files f;
	struct scenario *s = load(&f,
				  "uncertain = ( { path = \"districts.Xigu.rectify_rate\"; dist = \"uniform\";"
				  " min = 0.1; max = 0.2; } );\n",
				  "uncertain = ( { path = \"survey.veto_below\"; dist = \"uniform\";"
				  " min = 70.0; max = 80.0; } );\n");
	assert_non_null(s->uncertain);
	assert_int_equal(uncertain_count(s->uncertain), 2);
	assert_true(uncertain_set_find(s->uncertain, "districts.Xigu.rectify_rate") >= 0);
	assert_true(uncertain_set_find(s->uncertain, "survey.veto_below") >= 0);
	scenario_free(s);
	remove_files(&f);
}

/* A district scalar in the base and a group in the overlay: the scalar still
 * applies to the categories the group leaves out (calibrate's overlays). */
static void an_earlier_scalar_stays_beside_a_later_group(void **state)
{
	(void)state;
	struct files f;
	struct scenario *s = load(&f,
				  "districts = ( { name = \"Chengguan\";\n"
				  "  rectify_rate = { main_road = 0.3; }; } );\n",
				  NULL);
	assert_close(scenario_cell(s, 0, 0)->rectify_rate, 0.3, 0.0);
	assert_close(scenario_cell(s, 0, 1)->rectify_rate, 0.18, 0.0); /* not the defaults' 0.15 */
	assert_close(scenario_cell(s, 1, 1)->rectify_rate, 0.15, 0.0);
	scenario_free(s);
	/* and a path setting the district's scalar still sets what the base's scalar set */
	write_files(&f, "districts = ( { name = \"Chengguan\"; rectify_rate = { main_road = 0.3; }; } );\n",
		    NULL);
	struct parameter_setting set = {"districts.Chengguan.rectify_rate", 0.4, 0, 0};
	struct diag d;
	diag_init(&d, f.joined);
	s = scenario_load_file_with(f.joined, &set, 1, &d);
	assert_non_null(s);
	assert_close(scenario_cell(s, 0, 0)->rectify_rate, 0.3, 0.0);
	assert_close(scenario_cell(s, 0, 1)->rectify_rate, 0.4, 0.0);
	diag_free(&d);
	scenario_free(s);
	remove_files(&f);
}

/* A group in the base and a scalar in the overlay: the scalar is the
 * district's, and the base's entries still override it, as in one file. */
static void a_later_scalar_replaces_the_scalar_level(void **state)
{
	(void)state;
	struct files f;
	struct scenario *s = load(&f,
				  "districts = ( { name = \"Chengguan\"; new_per_week = 2.0; rectify_rate = 0.2; } );\n",
				  "districts = ( { name = \"Chengguan\"; new_per_week = 3.0; } );\n");
	assert_close(scenario_cell(s, 0, 0)->new_per_week, 3.0, 0.0);  /* the last file's scalar */
	assert_close(scenario_cell(s, 0, 1)->new_per_week, 6.0, 0.0);  /* the base's entry */
	assert_close(scenario_cell(s, 0, 0)->rectify_rate, 0.2, 0.0);
	assert_close(scenario_cell(s, 0, 1)->rectify_rate, 0.2, 0.0);
	assert_int_equal(s->n_layers, 3);
	scenario_free(s);
	remove_files(&f);
}

static void another_pass_rule_replaces_the_whole_section(void **state)
{
	(void)state;
	struct files f;
	struct scenario *s = load(&f,
				  "pass: { rule = \"competition\"; slots = 2;\n"
				  "        competitors = ( { name = \"Rival\"; mean = 30.0; sd = 2.0; } ); };\n",
				  NULL);
	assert_int_equal(s->pass.rule, PASS_COMPETITION);
	assert_int_equal(s->pass.slots, 2);
	assert_int_equal(s->pass.n_competitors, 1);
	scenario_free(s);
	remove_files(&f);
}

static void every_message_names_the_file_and_line_of_the_value(void **state)
{
	(void)state;
	struct files f;
	/* a bad value in the overlay, and the base's line for a value it kept */
	struct diag d = refused(&f, "# plan\n\ncategories = ( { name = \"main_road\"; deduction = 2.5; } );\n"
				"districts = ( { name = \"Xigu\"; declared = 50; } );\n");
	expect_at(&d, f.overlay, 3, "'deduction' is 2.5");
	expect_at(&d, f.overlay, 4, "declared is 50 but the district has only 40 sites");
	diag_free(&d);
	remove_files(&f);
	/* a syntax error in the overlay */
	d = refused(&f, "survey: { weight = 25.0; };\npass: { threshold = ; };\n");
	expect_at(&d, f.overlay, 2, "syntax error");
	diag_free(&d);
	remove_files(&f);
	/* an unknown key in an overlay's district */
	d = refused(&f, "districts = ( { name = \"Xigu\";\n  rectfy_rate = 0.2; } );\n");
	expect_at(&d, f.overlay, 2, "unknown key 'rectfy_rate'; did you mean 'rectify_rate'?");
	diag_free(&d);
	remove_files(&f);
	/* a name twice in one overlay's list */
	d = refused(&f, "districts = ( { name = \"Xigu\"; population = 1.0; },\n"
			"              { name = \"Xigu\"; population = 2.0; } );\n");
	expect_at(&d, f.overlay, 2, "the name 'Xigu' is used twice in 'districts' (also at line 1)");
	diag_free(&d);
	remove_files(&f);
}

static void an_include_in_an_overlay_is_named(void **state)
{
	(void)state;
	char included[64];
	write_temp_file(included, "\nsurvey: { weight = -1.0; };\n");
	char overlay[128];
	snprintf(overlay, sizeof overlay, "# plan\n@include \"%s\"\n", included);
	struct files f;
	struct diag d = refused(&f, overlay);
	expect_at(&d, included, 2, "'weight' is -1");
	diag_free(&d);
	remove_files(&f);
	unlink(included);
}

static void a_missing_layer_is_named(void **state)
{
	(void)state;
	struct files f;
	write_files(&f, "name = \"x\";\n", NULL);
	char joined[256];
	snprintf(joined, sizeof joined, "%s+/tmp/ccsim-no-such-plan.cfg", f.base);
	struct diag d;
	diag_init(&d, joined);
	assert_null(scenario_load_file(joined, &d));
	expect_at(&d, "/tmp/ccsim-no-such-plan.cfg", 0, "cannot open the scenario");
	diag_free(&d);
	snprintf(joined, sizeof joined, "%s+", f.base);
	diag_init(&d, joined);
	assert_null(scenario_load_file(joined, &d));
	expect_at(&d, joined, 0, "a file name is missing after '+'");
	diag_free(&d);
	remove_files(&f);
}

/* A file whose own name holds a '+' is one file. */
static void a_file_named_with_a_plus_is_one_file(void **state)
{
	(void)state;
	char path[64];
	write_temp_file(path, city);
	char plus[80];
	snprintf(plus, sizeof plus, "%s+c.cfg", path);
	assert_int_equal(rename(path, plus), 0);
	struct diag d;
	diag_init(&d, plus);
	struct scenario *s = scenario_load_file(plus, &d);
	assert_non_null(s);
	assert_int_equal(s->n_layers, 0);
	scenario_free(s);
	diag_free(&d);
	unlink(plus);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_scalar_replaces_and_a_group_merges),
		cmocka_unit_test(named_entries_merge_by_name_and_new_names_are_appended),
		cmocka_unit_test(policy_like_lists_are_appended),
		cmocka_unit_test(uncertain_inputs_are_appended),
		cmocka_unit_test(an_earlier_scalar_stays_beside_a_later_group),
		cmocka_unit_test(a_later_scalar_replaces_the_scalar_level),
		cmocka_unit_test(another_pass_rule_replaces_the_whole_section),
		cmocka_unit_test(every_message_names_the_file_and_line_of_the_value),
		cmocka_unit_test(an_include_in_an_overlay_is_named),
		cmocka_unit_test(a_missing_layer_is_named),
		cmocka_unit_test(a_file_named_with_a_plus_is_one_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
