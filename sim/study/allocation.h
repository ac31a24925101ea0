/*
 * allocation: spreading a budget of one policy parameter (officers, road
 * chiefs, ...) across the policy's target districts, greedily by the
 * marginal gain in P(pass), every step measured on common random numbers.
 */
#ifndef CCSIM_ALLOCATION_H
#define CCSIM_ALLOCATION_H

#include <stdio.h>

#include "runner.h"
#include "scenario.h"

struct allocation_problem {
	const char *file;
	struct parameter_setting *settings;  /* --set, for every evaluation */
	int n_settings;
	int policy;              /* 0-based index of the policy whose parameter is spread */
	const char *key;         /* the parameter */
	double budget, step;
	struct run_options run;  /* seed, replications, threads (precision unused) */
};

/* One greedy step: where the step went and what it bought. */
struct allocation_step {
	int district;                    /* index into the targets */
	double amount;                   /* the district's amount after the step */
	double gain, gain_lo, gain_hi;   /* P(pass) against the allocation before, 95 % */
	double total_gain;               /* mean Total against the allocation before */
	double pass, pass_lo, pass_hi;   /* P(pass) after the step */
	double total_mean;
};

struct allocation {
	int n_targets;
	char **targets;                  /* the districts, in the policy's order */
	double *amounts;                 /* the final allocation */
	int n_steps;
	struct allocation_step *steps;
};

/*
 * Runs the greedy allocation. Returns 0 (exit status) with OUT filled
 * (release with allocation_free), or an exit status after messages on ERR.
 */
int allocate_greedy(const struct allocation_problem *problem, struct allocation *out, FILE *err);
void allocation_free(struct allocation *a);

/*
 * Evaluates N allocations (AMOUNTS[i * targets .. +targets]) in lockstep on
 * common random numbers into RESULTS[N] and PAIRINGS[N] (against the
 * first). Returns an exit status.
 */
int allocation_evaluate(const struct allocation_problem *problem, int targets, const double *amounts,
			int n, struct run_result *results, struct pairing *pairings, FILE *err);

/* The targets of the problem's policy (0 when the scenario has no such policy). */
int allocation_targets(const struct allocation_problem *problem, char ***names, FILE *err);

#endif
