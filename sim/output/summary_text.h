/*
 * summary_text: what check, compare, sweep, sensitivity and solve print
 * on the terminal, from their result documents (a run's summary is
 * report_print's; optimize's and allocate's, optimize_report's).
 */
#ifndef CCSIM_SUMMARY_TEXT_H
#define CCSIM_SUMMARY_TEXT_H

#include <stdio.h>

#include "solve.h"
#include "analysis.h"
#include "compare.h"
#include "sweep.h"

/* The resolved scenario S of FILE, its N policies' summaries and the verdict. */
void summary_text_check(FILE *out, const char *file, const struct scenario *s,
			const struct policy_summary *policies);

void summary_text_compare(FILE *out, const struct compare_result *r);
void summary_text_sweep(FILE *out, const struct sweep_result *r);
void summary_text_analysis(FILE *out, const struct analysis_result *r);
void summary_text_solve(FILE *out, const struct solve_result *r);

#endif
