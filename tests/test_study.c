/*
 * study: the run options resolved once (flags, else the file's run section,
 * else the defaults), variants prepared in memory from the file read once,
 * a bad variant refused with its file named, variants prepared at once on
 * several threads as one after another, and the text buffer the
 * writers build documents in.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "study.h"
#include "temp_file.h"
#include "text_buffer.h"

static const char scenario_text[] =
	"version = 1;\n"
	"run: { replications = 1234; seed = 77; };\n"
	"campaign:   { weeks = 1; };\n"
	"inspection: { window = [1, 1]; batches = 1; };\n"
	"categories = ( { name = \"main_road\"; weight = 40.0; deduction = 0.25; lottery = 1; } );\n"
	"districts = (\n"
	"  { name = \"Centre\"; population = 100000.0; satisfaction = 0.9;\n"
	"    sites = 10; declared = 5; problems = 10;\n"
	"    new_per_week = 1.0; rectify_rate = 0.2; rebound = 0.05; } );\n"
	"survey: { respondents = 100; weight = 20.0; };\n"
	"pass:   { rule = \"threshold\"; threshold = 50.0; };\n";

static void run_options_resolved_once(void **state)
{
	(void)state;
	char path[64];
	write_temp_file(path, scenario_text);
	const char *files[1] = {path};
	struct study st;
	struct diag d;
	diag_init(&d, NULL);

	/* the file's run section */
	struct study_request request = {.threads = 2};
	assert_int_equal(study_open(&st, files, 1, &request, &d), 0);
	assert_int_equal(st.run.replications, 1234);
	assert_int_equal(st.run.seed, 77);
	assert_int_equal(st.run.threads, 2);
	study_close(&st);

	/* flags override it; a command's own default beats the file's count */
	request = (struct study_request){.have_seed = 1, .seed = 5, .have_reps = 1, .reps = 99,
					 .threads = 1};
	assert_int_equal(study_open(&st, files, 1, &request, &d), 0);
	assert_int_equal(st.run.replications, 99);
	assert_int_equal(st.run.seed, 5);
	study_close(&st);
	request = (struct study_request){.default_reps = 500, .threads = 1};
	assert_int_equal(study_open(&st, files, 1, &request, &d), 0);
	assert_int_equal(st.run.replications, 500);
	study_close(&st);
	/* precision without --reps: up to --max-reps */
	request = (struct study_request){.precision = 0.01, .max_reps = 4321, .threads = 1};
	assert_int_equal(study_open(&st, files, 1, &request, &d), 0);
	assert_int_equal(st.run.replications, 4321);
	study_close(&st);
	assert_int_equal(d.count, 0);
	diag_free(&d);
	unlink(path);
}

static void variants_in_memory(void **state)
{
	(void)state;
	char path[64];
	write_temp_file(path, scenario_text);
	const char *files[1] = {path};
	struct parameter_setting common[1] = {{"pass.threshold", 45.0, 0, 0}};
	struct study_request request = {.settings = common, .n_settings = 1, .threads = 1};
	struct study st;
	struct diag d;
	diag_init(&d, NULL);
	assert_int_equal(study_open(&st, files, 1, &request, &d), 0);
	assert_true(st.base.scenario->pass.threshold == 45.0);

	/* the file is gone: every variant comes from what was read */
	unlink(path);
	struct parameter_setting own[1] = {{"survey.respondents", 200.0, 0, 0}};
	struct study_variant v;
	assert_int_equal(study_prepare(&st, 0, own, 1, NULL, NULL, &v, &d), 0);
	assert_int_equal(v.scenario->survey.respondents, 200);
	assert_true(v.scenario->pass.threshold == 45.0); /* the common settings too */
	assert_int_equal(own[0].integer, 1);
	study_variant_free(&v);
	assert_null(st.failed_file);

	/* a bad variant: refused, its problem an input problem of the file */
	struct parameter_setting bad[1] = {{"districts.Nowhere.rectify_rate", 0.1, 0, 0}};
	assert_int_equal(study_prepare(&st, 0, bad, 1, NULL, NULL, &v, &d), -1);
	assert_null(v.scenario);
	assert_int_equal(diag_worst(&d), DIAG_INPUT);
	assert_true(diag_contains(&d, "districts.Nowhere.rectify_rate"));
	assert_string_equal(st.failed_file, path);
	diag_free(&d);
	study_close(&st);
}

/* Sets the district's rectification rate to the context's value; fails
 * (as out of memory) on a negative one. */
static int set_rate(struct scenario *s, void *context)
{
	double rate = *(const double *)context;
	if (rate < 0.0)
		return -1;
	s->cells[0].rectify_rate = rate;
	return 0;
}

/* Variants prepared at once on 1 and 3 threads: each in its own slot, with
 * its own context; a failure reports the first failing variant's reason
 * alone and frees every variant. */
static void variants_prepared_at_once(void **state)
{
	(void)state;
	char path[64];
	write_temp_file(path, scenario_text);
	const char *files[1] = {path};
	double rates[7] = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7};
	void *contexts[7];
	for (int i = 0; i < 7; i++)
		contexts[i] = &rates[i];
	for (int threads = 1; threads <= 3; threads += 2) {
		struct study_request request = {.threads = threads};
		struct study st;
		struct diag d;
		diag_init(&d, NULL);
		assert_int_equal(study_open(&st, files, 1, &request, &d), 0);
		struct study_variant v[7];
		assert_int_equal(study_prepare_each(&st, 0, set_rate, contexts, 7, v, &d), 0);
		for (int i = 0; i < 7; i++) {
			assert_true(v[i].scenario->cells[0].rectify_rate == rates[i]);
			study_variant_free(&v[i]);
		}
		assert_int_equal(d.count, 0);
		assert_null(st.failed_file);
		rates[2] = rates[5] = -1.0;
		assert_int_equal(study_prepare_each(&st, 0, set_rate, contexts, 7, v, &d), -1);
		assert_int_equal(d.count, 1);
		assert_int_equal(diag_worst(&d), DIAG_NO_MEMORY);
		for (int i = 0; i < 7; i++)
			assert_null(v[i].scenario);
		assert_string_equal(st.failed_file, path);
		rates[2] = 0.3;
		rates[5] = 0.6;
		diag_free(&d);
		study_close(&st);
	}
	unlink(path);
}

static void missing_file_named(void **state)
{
	(void)state;
	const char *files[1] = {"/nonexistent/ccsim-none.cfg"};
	struct study_request request = {.threads = 1};
	struct study st;
	struct diag d;
	diag_init(&d, NULL);
	assert_int_equal(study_open(&st, files, 1, &request, &d), -1);
	assert_int_equal(diag_worst(&d), DIAG_INPUT);
	assert_string_equal(st.failed_file, files[0]);
	diag_free(&d);
}

static void text_buffer_grows(void **state)
{
	(void)state;
	struct text_buffer t = {0};
	char *empty = text_buffer_take(&t);
	assert_string_equal(empty, "");
	free(empty);
	for (int i = 0; i < 1000; i++)
		text_buffer_printf(&t, "%d,", i);
	char *text = text_buffer_take(&t);
	assert_non_null(text);
	assert_int_equal(strncmp(text, "0,1,2,", 6), 0);
	assert_int_equal(strlen(text), 3890);
	assert_null(t.data);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(run_options_resolved_once),
		cmocka_unit_test(variants_in_memory),
		cmocka_unit_test(variants_prepared_at_once),
		cmocka_unit_test(missing_file_named),
		cmocka_unit_test(text_buffer_grows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
