/*
 * load_scenario: a scenario every test expects to be valid, loaded from a
 * file or from text; the loader's messages are printed when it is not, and
 * the test fails there.
 */
#ifndef CCSIM_TESTS_LOAD_SCENARIO_H
#define CCSIM_TESTS_LOAD_SCENARIO_H

#include <stdio.h>

#include "diag.h"
#include "scenario.h"

static inline struct scenario *load_scenario_file(const char *path)
{
	struct diag d;
	diag_init(&d, path);
	struct scenario *s = scenario_load_file(path, &d);
	if (s == NULL)
		diag_print(&d, stderr);
	assert_non_null(s);
	diag_free(&d);
	return s;
}

/* TEXT as if read from a file named test.cfg. */
static inline struct scenario *load_scenario_text(const char *text)
{
	struct diag d;
	diag_init(&d, "test.cfg");
	struct scenario *s = scenario_load_string(text, &d);
	if (s == NULL)
		diag_print(&d, stderr);
	assert_non_null(s);
	diag_free(&d);
	return s;
}

#endif
