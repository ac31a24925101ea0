/*
 * decision_csv: the CSV tables of compare, sweep and sensitivity, from
 * their result documents: a header line, then a row a variant, point or
 * input (optimize and allocate: optimize_report). Each is the text (free with free()), or
 * NULL when out of memory.
 */
#ifndef CCSIM_DECISION_CSV_H
#define CCSIM_DECISION_CSV_H

#include "analysis.h"
#include "compare.h"
#include "sweep.h"

char *decision_csv_compare(const struct compare_result *r);
char *decision_csv_sweep(const struct sweep_result *r);
char *decision_csv_analysis(const struct analysis_result *r);

#endif
