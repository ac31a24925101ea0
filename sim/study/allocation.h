/*
 * allocation: spreading a budget of one policy parameter (officers, road
 * chiefs, ...) across the policy's target districts, greedily by the
 * marginal gain in P(pass), every step measured on common random numbers.
 */
#ifndef CCSIM_ALLOCATION_H
#define CCSIM_ALLOCATION_H

#include "study.h"

#define ALLOCATION_REASON_CHARS 256

struct allocation_problem {
	int policy;              /* 0-based index of the policy whose parameter is spread */
	const char *key;         /* the parameter */
	double budget, step;
};

/* One greedy step: where the step went and what it bought. */
struct allocation_step {
	int district;                    /* index into the targets */
	double amount;                   /* the district's amount after the step */
	double gain, gain_lo, gain_hi;   /* P(pass) against the allocation before, 95 % */
	double total_gain;               /* mean Total against the allocation before */
	double pass, pass_lo, pass_hi;   /* P(pass) after the step */
	double total_mean;
	/* 0: the best candidate's gain interval overlaps the runner-up's (a
	 * coin toss between them: more replications settle it) */
	int resolved;
};

/* A district whose next step would leave the parameter's range: the
 * policy's plugin refused the amount; the greedy gives it no more. */
struct allocation_skip {
	int district;
	double amount;                   /* the amount refused */
	char reason[ALLOCATION_REASON_CHARS];   /* the plugin's message, cut */
};

/* The result document of allocate. */
struct allocation {
	struct study_header header;
	struct allocation_problem problem;
	int n_targets;
	char **targets;                  /* the districts, in the policy's order */
	double *amounts;                 /* the final allocation */
	int n_steps;
	struct allocation_step *steps;
	int no_gain;                     /* stopped: no candidate gained anything */
	int unresolved;                  /* steps whose choice was a coin toss */
	double unspent;                  /* the budget no step was given */
	int n_skipped;
	struct allocation_skip *skipped;
};

/*
 * Runs the greedy allocation of PROBLEM on the study's base scenario (the
 * study's run options).
 * 0 with OUT filled (release with allocation_free), or -1 with the reasons
 * in D.
 */
int allocation_greedy(struct study *st, const struct allocation_problem *problem,
		    struct allocation *out, struct diag *d);
void allocation_free(struct allocation *a);

/*
 * Evaluates N allocations (AMOUNTS[i * targets .. +targets]) in lockstep on
 * common random numbers into RESULTS[N] and PAIRINGS[N] (against the
 * first). 0, or -1 with the reasons in D.
 */
int allocation_evaluate(struct study *st, const struct allocation_problem *problem, int targets,
			const double *amounts, int n, struct run_result *results,
			struct pairing *pairings, struct diag *d);

/* The targets of the problem's policy: their number, or -1 with the reason
 * in D (no such policy, memory). NAMES is released with free(), each name too. */
int allocation_targets(const struct study *st, const struct allocation_problem *problem,
		       char ***names, struct diag *d);

#endif
