/*
 * The scenario schema: docs/model.md's table of keys and the fuzzer's
 * dictionary are what the schema generates, and the typed access through
 * it reads and writes the same values as the structures.
 *
 * `test_schema --markdown` and `test_schema --dictionary` print the
 * generated texts (to update docs/model.md between its markers, and
 * fuzz/scenario.dict).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"
#include "scenario_schema.h"

#define BEGIN "<!-- schema-keys:begin -->\n"
#define END "<!-- schema-keys:end -->"

static char *read_text(const char *path)
{
	FILE *in = fopen(path, "rb");
	assert_non_null(in);
	fseek(in, 0, SEEK_END);
	long size = ftell(in);
	fseek(in, 0, SEEK_SET);
	char *text = malloc((size_t)size + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)size, in), (size_t)size);
	text[size] = '\0';
	fclose(in);
	return text;
}

static char *generated(void (*generate)(FILE *))
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	assert_non_null(out);
	generate(out);
	fclose(out);
	return text;
}

static void docs_table_is_generated_from_the_schema(void **state)
{
	(void)state;
	char *doc = read_text(CCSIM_SOURCE_DIR "/docs/model.md");
	char *begin = strstr(doc, BEGIN);
	assert_non_null(begin);
	begin += strlen(BEGIN);
	char *end = strstr(begin, END);
	assert_non_null(end);
	*end = '\0';
	char *table = generated(scenario_schema_markdown);
	if (strcmp(begin, table) != 0)
		print_error("docs/model.md's scenario keys differ from the schema: regenerate them with "
			    "`tests/test_schema --markdown` between the markers\n");
	assert_string_equal(begin, table);
	free(table);
	free(doc);
}

static void fuzz_dictionary_is_generated_from_the_schema(void **state)
{
	(void)state;
	char *dict = read_text(CCSIM_SOURCE_DIR "/fuzz/scenario.dict");
	char *expected = generated(scenario_schema_dictionary);
	if (strcmp(dict, expected) != 0)
		print_error("fuzz/scenario.dict differs from the schema: regenerate it with "
			    "`tests/test_schema --dictionary > fuzz/scenario.dict`\n");
	assert_string_equal(dict, expected);
	free(expected);
	free(dict);
}

/* Every key once; every stored number's rule names the key; patterns find themselves. */
static void every_key_is_described_once(void **state)
{
	(void)state;
	int n = scenario_schema_count();
	assert_true(n > 60);
	for (int i = 0; i < n; i++) {
		const struct scenario_key *k = scenario_schema_key(i);
		assert_ptr_equal(scenario_schema_find(k->path), k);
		assert_non_null(k->description);
		assert_true(strlen(k->description) > 5);
		if (k->storage != SCENARIO_STORE_NONE && k->type != SCENARIO_TYPE_BOOLEAN)
			assert_string_equal(k->rule.key, scenario_key_name(k));
		if (k->flags & SCENARIO_KEY_WEEK)
			assert_true(k->flags & SCENARIO_KEY_CELL);
	}
	assert_null(scenario_schema_key(n));
	/* the keys docs/model.md 3.12 lets be uncertain */
	static const char *const uncertain[] = {
		"districts.*.problems", "districts.*.new_per_week", "districts.*.rectify_rate",
		"districts.*.rebound", "districts.*.population", "districts.*.satisfaction",
		"districts.*.satisfaction_concentration", "categories.*.deduction",
		"categories.*.prepared", "materials.*.loss_probability", "survey.respondents",
		"survey.veto_below", "overall.noise_sd", "negative_list.*.probability",
		"bonus.honors.*.probability", "minors.mean", "minors.sd", "minors.minimum",
		"pass.threshold", "pass.competitors.*.mean", "pass.competitors.*.sd",
		"policies.*.params.*"};
	int count = 0;
	for (int i = 0; i < n; i++)
		count += (scenario_schema_key(i)->flags & SCENARIO_KEY_UNCERTAIN) != 0;
	assert_int_equal(count, (int)(sizeof uncertain / sizeof uncertain[0]));
	for (size_t i = 0; i < sizeof uncertain / sizeof uncertain[0]; i++)
		assert_true(scenario_schema_find(uncertain[i])->flags & SCENARIO_KEY_UNCERTAIN);
}

static const char scenario_text[] =
	"version = 1;\n"
	"campaign: { weeks = 4; };\n"
	"inspection: { window = [3, 4]; batches = 1; };\n"
	"categories = ( { name = \"road\"; weight = 8.0; deduction = 0.25; lottery = 3; },\n"
	"               { name = \"market\"; weight = 2.0; deduction = 0.5; lottery = 1; } );\n"
	"districts = ( { name = \"East\"; population = 100.0; satisfaction = 0.9; sites = 10;\n"
	"                declared = 4; problems = { road = 7; market = 3; }; new_per_week = 1.0;\n"
	"                rectify_rate = 0.2; rebound = 0.1; },\n"
	"              { name = \"West\"; population = 50.0; satisfaction = 0.8; sites = 5;\n"
	"                declared = 5; problems = 2; new_per_week = 0.5; rectify_rate = 0.3;\n"
	"                rebound = 0.0; } );\n"
	"materials = ( { name = \"files\"; items = 10; points = 0.5; loss_probability = 0.1; } );\n"
	"survey: { respondents = 30; weight = 20.0; };\n"
	"negative_list = ( { name = \"accident\"; probability = 0.01; veto = true; } );\n"
	"pass: { rule = \"threshold\"; threshold = 20.0; };\n";

static void paths_resolve_to_values(void **state)
{
	(void)state;
	struct diag d;
	diag_init(&d, "schema.cfg");
	struct scenario *s = scenario_load_string(scenario_text, &d);
	assert_non_null(s);
	int item, category;
	const struct scenario_key *k =
		scenario_schema_resolve(s, "districts.East.problems.market", &item, &category);
	assert_non_null(k);
	assert_int_equal(k->record, SCENARIO_RECORD_CELL);
	assert_int_equal(item, 0);
	assert_int_equal(category, 1);
	assert_true(scenario_value_get(s, k, item, category) == 3.0);

	k = scenario_schema_resolve(s, "categories.market.deduction", &item, &category);
	assert_non_null(k);
	assert_int_equal(item, 1);
	assert_true(scenario_value_get(s, k, item, category) == 0.5);

	k = scenario_schema_resolve(s, "survey.respondents", &item, &category);
	assert_non_null(k);
	assert_int_equal(item, -1);
	assert_true(scenario_value_get(s, k, item, category) == 30.0);

	k = scenario_schema_resolve(s, "negative_list.accident.veto", &item, &category);
	assert_non_null(k);
	assert_true(scenario_value_get(s, k, item, category) == 1.0);

	k = scenario_schema_resolve(s, "defaults.rebound.road", &item, &category);
	assert_non_null(k);
	assert_int_equal(item, -1);
	assert_int_equal(category, 0);

	assert_null(scenario_schema_resolve(s, "districts.North.problems", &item, &category));
	assert_null(scenario_schema_resolve(s, "districts.East.problems.park", &item, &category));
	assert_null(scenario_schema_resolve(s, "survey.weigth", &item, &category));
	assert_null(scenario_schema_resolve(s, "pass.bands", &item, &category)); /* arrays have no path */
	assert_ptr_equal(scenario_schema_match("policies.2.params.boost"),
			 scenario_schema_find("policies.*.params.*"));
	scenario_free(s);
	diag_free(&d);
}

static void typed_set_keeps_the_rules(void **state)
{
	(void)state;
	struct diag d;
	diag_init(&d, "schema.cfg");
	struct scenario *s = scenario_load_string(scenario_text, &d);
	assert_non_null(s);
	char why[128];
	const struct scenario_key *rate = scenario_schema_find("districts.*.rectify_rate");
	assert_int_equal(scenario_value_set(s, rate, 1, 0, 0.45, why, sizeof why), 0);
	assert_true(scenario_cell(s, 1, 0)->rectify_rate == 0.45);
	assert_int_equal(scenario_value_set(s, rate, 1, 0, 1.5, why, sizeof why), 1);
	assert_string_equal(why, "must be a number within [0, 1]");
	assert_true(scenario_cell(s, 1, 0)->rectify_rate == 0.45); /* unchanged */

	const struct scenario_key *sites = scenario_schema_find("districts.*.sites");
	assert_int_equal(scenario_value_set(s, sites, 0, 1, 2.5, why, sizeof why), 1);
	assert_int_equal(scenario_value_set(s, sites, 0, 1, 12.0, why, sizeof why), 0);
	assert_int_equal(scenario_cell(s, 0, 1)->sites, 12);

	const struct scenario_key *respondents = scenario_schema_find("survey.respondents");
	assert_int_equal(scenario_value_set(s, respondents, -1, -1, 40.0, why, sizeof why), 0);
	assert_int_equal(s->survey.respondents, 40);

	const struct scenario_key *veto = scenario_schema_find("negative_list.*.veto");
	assert_int_equal(scenario_value_set(s, veto, 0, -1, 0.5, why, sizeof why), 1);
	assert_int_equal(scenario_value_set(s, veto, 0, -1, 0.0, why, sizeof why), 0);
	assert_int_equal(s->negatives[0].veto, 0);

	/* walking a record's keys: the week hook's keys are a cell's three rates */
	int week_keys = 0;
	for (const struct scenario_key *k = scenario_schema_next(NULL, SCENARIO_RECORD_CELL,
								 SCENARIO_KEY_WEEK);
	     k != NULL; k = scenario_schema_next(k, SCENARIO_RECORD_CELL, SCENARIO_KEY_WEEK))
		week_keys++;
	assert_int_equal(week_keys, 3);
	/* the legacy field names still name the same rules */
	assert_ptr_equal(scenario_field_rule("cell.rebound"),
			 &scenario_schema_find("districts.*.rebound")->rule);
	assert_ptr_equal(scenario_field_rule("honor.points"),
			 &scenario_schema_find("bonus.honors.*.points")->rule);
	assert_null(scenario_field_rule("district.sites"));
	scenario_free(s);
	diag_free(&d);
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--markdown") == 0) {
		scenario_schema_markdown(stdout);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "--dictionary") == 0) {
		scenario_schema_dictionary(stdout);
		return 0;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(docs_table_is_generated_from_the_schema),
		cmocka_unit_test(fuzz_dictionary_is_generated_from_the_schema),
		cmocka_unit_test(every_key_is_described_once),
		cmocka_unit_test(paths_resolve_to_values),
		cmocka_unit_test(typed_set_keeps_the_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
