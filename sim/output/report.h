/*
 * report: what a run tells a planner, as a readable summary and as the JSON
 * of docs/model.md section 5.
 */
#ifndef CCSIM_REPORT_H
#define CCSIM_REPORT_H

#include <jansson.h>
#include <stdio.h>

#include "runner.h"
#include "scenario.h"

/*
 * The JSON document of a run, as text (free with free()), or NULL when out
 * of memory. POLICIES (NULL for none; else one a policy of S) gives the "policies" list. Everything but "seconds", "threads" and "processes" depends
 * only on the scenario, the seed and the replication count.
 */
char *report_json(const struct scenario *s, const struct run_result *r,
		  const struct policy_summary *policies);

/* A scenario's WARNINGS (NULL: none) as the JSON's `warnings`: [{file, line, message}]. */
json_t *report_warnings_json(const struct diag *warnings);

/* ROOT (released) as the text ccsim writes: indented, reals to 15
 * significant digits, ending with a newline. NULL when out of memory. */
char *report_json_text(json_t *root);

/* The same document as a jansson object (NULL when out of memory), for
 * commands that embed a run in their own JSON. */
json_t *report_json_object(const struct scenario *s, const struct run_result *r,
			   const struct policy_summary *policies);

/*
 * The resolved scenario (after defaults, overrides, --set and the policies'
 * setup) as a jansson object, or NULL when out of memory: what
 * `ccsim check --json` writes, for other tools to simulate the same model.
 */
json_t *report_scenario_json(const struct scenario *s);

/* The per-district and per-category tables of a run as CSV (free with free()):
 * table,name,points_lost,sites_inspected,rank_last_probability. */
char *report_tables_csv(const struct scenario *s, const struct run_result *r);

/* Prints the planner's summary of a run in the chosen language; POLICIES (NULL:
 * none) give the costs. Returns 0, or -1 when memory ran out for a table
 * (what could not be printed is said in place). */
int report_print(FILE *out, const struct scenario *s, const struct run_result *r,
		 const struct policy_summary *policies);

#endif
