/*
 * analysis: how much P(pass) and the mean Total depend on each input of a
 * study: a tornado (each input at its low and its high), Morris's
 * elementary effects or Sobol' indices (sensitivity.h's designs), every
 * point on the same random numbers.
 */
#ifndef CCSIM_ANALYSIS_H
#define CCSIM_ANALYSIS_H

#include "design.h"

enum analysis_method { ANALYSIS_TORNADO, ANALYSIS_MORRIS, ANALYSIS_SOBOL };

/* What to analyse. */
struct analysis_request {
	enum analysis_method method;
	int k;
	const struct design_input *inputs;  /* [k] */
	int trajectories, levels;            /* Morris */
	int samples, bootstrap;              /* Sobol' */
	int replicates;                      /* Sobol': 2 or more for randomized QMC designs */
};

/* Effects on one output (Total or P(pass)) per input. */
struct analysis_morris {
	double mu_star[LIMIT_INPUTS], mu[LIMIT_INPUTS], sigma[LIMIT_INPUTS];
};

struct analysis_sobol {
	double first[LIMIT_INPUTS], first_lo[LIMIT_INPUTS], first_hi[LIMIT_INPUTS];
	double total[LIMIT_INPUTS], total_lo[LIMIT_INPUTS], total_hi[LIMIT_INPUTS];
};

/* The result document of sensitivity. */
struct analysis_result {
	struct study_header header;
	enum analysis_method method;
	int k;
	struct design_input inputs[LIMIT_INPUTS];
	int points;                           /* the design's (Morris, Sobol') */
	/* tornado */
	struct design_point base;
	struct design_point low[LIMIT_INPUTS], high[LIMIT_INPUTS];
	int order[LIMIT_INPUTS];              /* by swing in P(pass), then Total */
	/* Morris */
	int trajectories, levels;
	struct analysis_morris morris_total, morris_pass;
	/* Sobol' */
	int samples, bootstrap;
	int replicates;                       /* randomized QMC designs (0: Saltelli's sampling) */
	struct analysis_sobol sobol_total, sobol_pass;
	/* Whether each output took more than one value over the points run;
	 * one that did not has no index or swing to report (the summary says
	 * so, the JSON gives null), and PASS_VALUE or TOTAL_VALUE is its one
	 * value. */
	int pass_varies, total_varies;
	double pass_value, total_value;
	/* Sobol': the inputs whose first-order index lies above their total
	 * index by more than the two intervals allow ([0]: of the Total, [1]:
	 * of P(pass)); each is a warning (analysis_first_above_total_text). */
	unsigned char first_above_total[2][LIMIT_INPUTS];
};

/* The method's name: "tornado", "morris", "sobol". */
const char *analysis_method_name(enum analysis_method method);

/*
 * Checks REQUEST's inputs and runs the analysis into OUT (a plain
 * document: nothing to release). 0, or -1 with the reasons in D.
 */
int analysis_run(struct study *st, const struct analysis_request *request,
		 struct analysis_result *out, struct diag *d);

/*
 * After Sobol' indices (analysis_run calls it): marks first_above_total,
 * each input whose first-order index's interval lies wholly above its total
 * index's (a first-order index is at most the total: the estimates are
 * noise), with a warning in D, for each output that varied (one that did
 * not has no index: its estimators read 0 / 0).
 */
void analysis_check_indices(struct analysis_result *a, struct diag *d);

/* The warning for A's input I whose first-order index of OUTPUT (0: Total,
 * 1: P(pass)) lies above its total index (first_above_total), into TEXT. */
void analysis_first_above_total_text(const struct analysis_result *a, int output, int i,
				     char *text, size_t size);

#endif
