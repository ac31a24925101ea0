/*
 * optimize: a budget spent across several levers (a numeric parameter of a
 * policy each, spent district by district over the policy's targets), built
 * greedily by the gain in P(pass) per unit of cost, each step's choice made
 * sequentially on common random numbers, and the final plan evaluated on
 * an independent stream (docs/model.md, "Budgets across levers").
 *
 * A step's decision: every candidate (one more step of one lever in one
 * district) runs --reps replications; each variant's pass is kept
 * replication by replication, so any two candidates are paired exactly
 * (and the plan keeps the replications of the step before). Each round the
 * leader b is the live candidate with the most paired gain in P(pass) per
 * cost; a candidate c is separated from b, and runs no more, when the 95 %
 * interval of b's advantage over c (g_b - g_c cost_b / cost_c) lies above
 * -delta: c is clearly worse, or within the indifference zone of b. With
 * no live candidate but b the step is resolved; otherwise the live ones run
 * on (to where their intervals would separate, 1.25 to 1.5 times what
 * they have), and a step still undecided at max_reps is taken unresolved.
 */
#ifndef CCSIM_OPTIMIZE_H
#define CCSIM_OPTIMIZE_H

#include "study.h"

#define OPTIMIZE_REASON_CHARS 256

/* One lever as the command uses it (from the file's `levers` or --lever). */
struct optimize_lever {
	const char *name;
	int policy;              /* 0-based */
	const char *param;
	double unit_cost, step, max;
	const char *file;        /* where it was written (NULL: the command line) */
	int line;
};

struct optimize_problem {
	const char *command;     /* "optimize" or "allocate": in messages and the header */
	int n_levers;
	const struct optimize_lever *levers;
	double budget;
	const char *unit;        /* the cost unit's name ("" none) */
	int64_t reps, max_reps;  /* each candidate starts at reps, the live ones run on up to max_reps */
	double indifference;     /* delta, in P(pass) */
	int64_t holdout_reps;    /* 0: no holdout */
	double target;           /* > 0: stop at the first step reaching P(pass) >= target */
	/* 1: every district starts at 0 (allocate: the budget is the whole of
	 * the parameter); 0: at the amount the scenario gives */
	int from_zero;
};

/* A P(pass) with its 95 % interval. */
struct optimize_estimate {
	double value, lo, hi;
};

/* One greedy step. */
struct optimize_step {
	int lever, district;     /* district: index into the lever's targets */
	double amount;           /* the district's amount after the step */
	double cost, cumulative; /* this step's cost, the plan's after it */
	struct optimize_estimate gain;  /* P(pass) against the plan before (paired) */
	double total_gain;       /* mean Total against the plan before */
	struct optimize_estimate pass;  /* P(pass) of the plan after (Wilson) */
	int64_t reps;            /* replications the choice took (the chosen candidate's) */
	/* the chosen candidate's paired advantage over the runner-up (the
	 * other candidate whose interval came closest to -delta, on the
	 * replications both ran): its lower bound; +inf when there was no
	 * other candidate */
	double advantage_lo;
	int resolved;            /* every other candidate separated: each advantage's interval above -delta */
};

/* A district a lever's step would have taken out of range: skipped. */
struct optimize_skip {
	int lever, district;
	double amount;           /* the amount refused */
	char reason[OPTIMIZE_REASON_CHARS];
};

/* Why a lever allocated nothing (OPTIMIZE_LEVER_USED when it did). */
enum optimize_lever_verdict {
	OPTIMIZE_LEVER_USED,
	OPTIMIZE_LEVER_NO_GAIN,      /* its steps never bought the most P(pass) per cost */
	OPTIMIZE_LEVER_NO_EFFECT,    /* its steps changed no replication's pass at all */
	OPTIMIZE_LEVER_OUT_OF_RANGE, /* every district was skipped */
	OPTIMIZE_LEVER_UNAFFORDABLE  /* a step costs more than the budget */
};

struct optimize_lever_plan {
	int n_targets;
	char **targets;
	double *start;           /* each district's amount before any step */
	double *amounts;         /* the plan */
	double *even;            /* the even spread of the holdout */
	double spent;            /* the plan's cost on this lever */
	int n_steps;
	enum optimize_lever_verdict verdict;
	int ever_changed;        /* some step of it changed some replication's pass */
};

enum optimize_stop {
	OPTIMIZE_STOP_BUDGET,       /* no affordable step left */
	OPTIMIZE_STOP_NO_GAIN,      /* no candidate's gain was positive */
	OPTIMIZE_STOP_NO_CANDIDATE, /* every affordable step was skipped */
	OPTIMIZE_STOP_TARGET,       /* --target reached */
	OPTIMIZE_STOP_INTERRUPTED
};

struct optimize_holdout {
	int done;
	uint64_t seed;           /* optimize_holdout_seed(search seed) */
	uint64_t first;          /* its replications: first .. first + reps - 1, first the
				  * search's max_reps (every index the search ran is below) */
	int64_t reps;
	struct optimize_estimate plan, base, even;
	struct optimize_estimate vs_base, vs_even;  /* paired differences in P(pass) */
	int even_available;      /* 0: the plugin refused the even spread (reason) */
	char even_reason[OPTIMIZE_REASON_CHARS];
};

/* The result document of optimize (and allocate). */
struct optimize_result {
	struct study_header header;
	struct optimize_problem problem;
	struct optimize_lever *levers;     /* copies, strings owned */
	struct optimize_lever_plan *plans; /* [n_levers] */
	/* a plan as optimize_evaluate takes it: N_CELLS amounts, lever l's
	 * district t at OFFSET[l] + t */
	int n_cells;
	int *offset;
	struct optimize_estimate base;     /* P(pass) before any step */
	int n_steps;
	struct optimize_step *steps;
	int n_skipped;
	struct optimize_skip *skipped;
	enum optimize_stop stop;
	int unresolved;
	double spent, unspent;
	int target_reached;      /* --target: reached (at spent), else not */
	int64_t replications;    /* replications run by the search, all variants counted */
	struct optimize_holdout holdout;
	int complete;            /* 0: interrupted */
};

/* The holdout's seed: splitmix64 of the search's, top bit cleared (never equal to it). */
uint64_t optimize_holdout_seed(uint64_t seed);

/*
 * Fills LEVERS (at most LIMIT_LEVERS) from the base scenario's `levers`;
 * returns their number.
 */
int optimize_scenario_levers(const struct study *st, struct optimize_lever *levers);

/*
 * Checks PROBLEM's levers against the base scenario and its policies (the
 * policy exists, the parameter is a number the plugin knows), each problem
 * in D with the lever's file and line. 0, or -1.
 */
int optimize_check(const struct study *st, const struct optimize_problem *problem, struct diag *d);

/*
 * Builds the plan of PROBLEM on the study's base scenario with RUN's seed,
 * threads, progress and stop flag (RUN's replications are not used), then
 * the holdout. 0 with OUT filled (release with optimize_free; OUT->complete
 * 0 when interrupted), or -1 with the reasons in D.
 */
int optimize_run(struct study *st, const struct optimize_problem *problem,
		 const struct run_options *run, struct optimize_result *out, struct diag *d);
void optimize_free(struct optimize_result *r);

/*
 * Evaluates N plans (PLANS[i * r->n_cells + r->offset[lever] + district])
 * of R's levers in lockstep on RUN into RESULTS[N] and PAIRINGS[N]
 * (against the first). 0, or -1 with the reasons in D. For tests and the
 * holdout.
 */
int optimize_evaluate(struct study *st, const struct optimize_result *r, const double *plans, int n,
		      const struct run_options *run, struct run_result *results,
		      struct pairing *pairings, struct diag *d);

#endif
