/*
 * compare: variants of a scenario, or several scenarios, run side by side
 * on the same random numbers, each paired with the first.
 */
#ifndef CCSIM_COMPARE_H
#define CCSIM_COMPARE_H

#include "study.h"

/* What a variant is: its name, its source and its own settings. */
struct compare_spec {
	const char *name;
	int source;                           /* the study's source it comes from */
	struct parameter_setting *settings;   /* its own (none for the first) */
	int n_settings;
};

struct compare_variant {
	const char *name;
	const struct parameter_setting *settings;  /* its own, as given */
	int n_settings;
	const struct scenario *scenario;
	const struct policy_summary *policies;
	struct run_result result;
	struct pairing pairing;      /* against the first (the first's unused) */
};

/* The result document of compare. */
struct compare_result {
	struct study_header header;
	double precision;            /* > 0: --precision */
	int n;
	struct compare_variant variants[LIMIT_VARIANTS];
	struct study_variant prepared[LIMIT_VARIANTS];  /* the first is the study's base */
};

/*
 * Prepares the N variants of SPECS (the first must be the study's base:
 * source 0 without settings) and runs them in lockstep with OPTIONS (the
 * study's, with a progress callback). 0 with OUT filled (release with
 * compare_result_free), or -1 with the reasons in D.
 */
int compare_run(struct study *st, const struct compare_spec *specs, int n,
		const struct run_options *options, struct compare_result *out, struct diag *d);
void compare_result_free(struct compare_result *r);

#endif
