/*
 * decision_json: the JSON documents of compare, sweep, sensitivity and
 * solve (docs/model.md section 7; optimize and allocate: optimize_report), from their result documents. Each is the
 * text ccsim writes (free with free()), or NULL when out of memory.
 */
#ifndef CCSIM_DECISION_JSON_H
#define CCSIM_DECISION_JSON_H

#include <jansson.h>

#include "solve.h"
#include "analysis.h"
#include "compare.h"
#include "sweep.h"

/* The members every decision command's JSON starts with (command, versions,
 * scenario, replications, seed, threads, processes, seconds, warnings). */
json_t *decision_json_header(const struct study_header *h);

char *decision_json_compare(const struct compare_result *r);
char *decision_json_sweep(const struct sweep_result *r);
char *decision_json_analysis(const struct analysis_result *r);

/* solve: the bracket and P(pass) at both ends, or the range's ends when the
 * target lies outside it. */
char *decision_json_solve(const struct solve_result *r);

#endif
