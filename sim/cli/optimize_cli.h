/*
 * optimize_cli: what optimize and allocate (its one-lever case) share on
 * the command line: the study opened, the plan built with progress and
 * interrupts, the outputs written and the summary printed.
 */
#ifndef CCSIM_OPTIMIZE_CLI_H
#define CCSIM_OPTIMIZE_CLI_H

#include "cli.h"
#include "optimize.h"

/*
 * Runs PROBLEM on the scenario FILE for COMMAND. Levers, budget and unit
 * not given in PROBLEM (0, NULL) come from the scenario; reps from O (else
 * DEFAULT_REPS); max_reps from PROBLEM when MAX_REPS_GIVEN, else 8 times
 * the reps. Returns the exit status.
 */
int optimize_cli_run(const char *command, const char *file, struct optimize_problem *problem,
		     const struct cli_options *o, int max_reps_given, int default_reps);

#endif
