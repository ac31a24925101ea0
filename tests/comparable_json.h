/*
 * comparable_json: a run's JSON without the keys that may differ between
 * runs of the same scenario and seed (seconds, threads, processes), for the
 * thread-count identity tests. Free the result with free().
 */
#ifndef CCSIM_TESTS_COMPARABLE_JSON_H
#define CCSIM_TESTS_COMPARABLE_JSON_H

#include <jansson.h>
#include <stdlib.h>

#include "report.h"

static inline char *comparable_json(const struct scenario *s, const struct run_result *r,
				    const struct policy_summary *policies)
{
	char *text = report_json(s, r, policies);
	assert_non_null(text);
	json_error_t error;
	json_t *root = json_loads(text, 0, &error);
	assert_non_null(root);
	free(text);
	json_object_del(root, "seconds");
	json_object_del(root, "threads");
	json_object_del(root, "processes");
	char *out = json_dumps(root, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
	json_decref(root);
	return out;
}

#endif
