/*
 * optimize_report: what optimize (and allocate, its one-lever case) writes:
 * the JSON document, the CSV of the frontier (step 0 the base, then a row
 * a step) and the terminal summary (docs/model.md, "Budgets across levers").
 * The texts are NULL when out of memory (free with free()).
 */
#ifndef CCSIM_OPTIMIZE_REPORT_H
#define CCSIM_OPTIMIZE_REPORT_H

#include <stdio.h>

#include "optimize.h"

char *optimize_report_json(const struct optimize_result *r);
char *optimize_report_csv(const struct optimize_result *r);
void optimize_report_text(FILE *out, const struct optimize_result *r);

/* The words of a lever's verdict and of the stop, as the JSON has them. */
const char *optimize_report_verdict(enum optimize_lever_verdict v);
const char *optimize_report_stop(enum optimize_stop s);

#endif
