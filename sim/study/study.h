/*
 * study: what every command that runs a scenario shares. A command parses
 * its arguments, opens a study (each scenario file read once, the run's seed
 * and replication count resolved once), prepares its variants from it (the
 * settings applied in memory, validated, the policies' setup run, no file
 * read again), runs them and hands a result document to the writers.
 *
 * Failures follow the library's convention: 0 or -1, and the reasons in a
 * struct diag. Which exit status that makes is the command line's choice.
 */
#ifndef CCSIM_STUDY_H
#define CCSIM_STUDY_H

#include <stdint.h>

#include "ccsim_limits.h"
#include "cluster.h"
#include "diag.h"
#include "plugin.h"
#include "runner.h"
#include "scenario.h"

/* The default seed and replication count when neither flag nor file gives one. */
#define STUDY_DEFAULT_SEED 20261122
#define STUDY_DEFAULT_REPLICATIONS 100000

/* What the command line asked of a study. */
struct study_request {
	const struct parameter_setting *settings;  /* --set: in every variant */
	int n_settings;
	int have_seed;
	uint64_t seed;
	int have_reps;
	int64_t reps;
	int default_reps;  /* the command's own default for --reps (0: the scenario's, else 100000) */
	double precision;  /* > 0: --precision */
	int64_t max_reps;  /* with precision and no --reps */
	int strict;        /* --strict: a scenario's warnings are errors */
	int threads;
	struct cluster *cluster;
	/* the files the command will write (NULL: none): refused when the
	 * scenario reads one of them (an @include'd file) */
	const char *outputs[2];
};

/* One scenario file of a study, read once (when first needed). */
struct study_source {
	const char *file;
	struct scenario_source *source;  /* NULL until read */
	int plugins;                     /* its plugin path: an index into the study's */
};

/* A variant ready to run: its scenario and its policies. */
struct study_variant {
	struct scenario *scenario;
	struct plugin_host *plugins;
};

struct study {
	int n_sources;
	struct study_source sources[LIMIT_VARIANTS];
	/* Where plugins are found, one a scenario folder, each plugin file
	 * read once for the whole study. */
	int n_paths;
	struct plugin_path paths[LIMIT_VARIANTS];
	struct parameter_setting *settings;  /* the request's --set, copied */
	int n_settings;
	unsigned flags;             /* how variants resolve: SCENARIO_STRICT */
	struct run_options run;     /* seed, replications, threads, precision, cluster */
	struct study_variant base;  /* the first file with the --set settings */
	const char *outputs[2];     /* the request's, borrowed */
	/* When preparing a variant failed: the file it came from (for the
	 * command line's closing sentence); NULL otherwise. */
	const char *failed_file;
};

/*
 * Opens a study of the N_FILES scenario FILES (borrowed: they must outlive
 * the study), reads them, prepares the base variant (the first file, with
 * REQUEST's settings) and resolves the run options from REQUEST, else the
 * base scenario's run section, else the defaults. 0, or -1 with the reasons
 * in D (the study is then closed).
 */
int study_open(struct study *st, const char *const *files, int n_files,
	       const struct study_request *request, struct diag *d);
void study_close(struct study *st);

/* Changes a variant's scenario before its policies' setup (allocate splits
 * a policy); 0 or -1 (out of memory). */
typedef int (*study_transform)(struct scenario *s, void *context);

/*
 * Prepares a variant of source SOURCE: the study's settings then OWN (the
 * later wins), TRANSFORM (may be NULL) and the policies' setup keyed by the
 * study's seed. OWN's `integer` flags tell which of its paths take whole
 * numbers. 0, or -1 with the reasons in D and st->failed_file set.
 */
int study_prepare(struct study *st, int source, struct parameter_setting *own, int n_own,
		  study_transform transform, void *context, struct study_variant *out,
		  struct diag *d);
/*
 * As study_prepare with no transform, but st->failed_file is left as it is
 * (the caller sets it): several threads may prepare variants of a source
 * already read (the base's, source 0, is) at once, each with its own D.
 */
int study_prepare_unmarked(struct study *st, int source, struct parameter_setting *own, int n_own,
			   struct study_variant *out, struct diag *d);
/*
 * Prepares the N variants OUT[i] of source SOURCE as study_prepare with no
 * settings of their own, TRANSFORM and CONTEXTS[i], on the study's threads
 * at once (TRANSFORM must only read what the contexts share). The variants
 * and messages are the same, in index order, whatever the threads. 0, or
 * -1 with the first failing variant's reasons in D (the others freed) and
 * st->failed_file set.
 */
int study_prepare_each(struct study *st, int source, study_transform transform,
		       void *const *contexts, int n, struct study_variant *out, struct diag *d);
void study_variant_free(struct study_variant *v);

/* The week hooks of a prepared variant (NULL: none). */
const struct week_hooks *study_variant_hooks(const struct study_variant *v);

/* The policies' summaries of a prepared variant, for reports. */
const struct policy_summary *study_variant_policies(const struct study_variant *v);

/*
 * Runs V with OPTIONS (whose hooks are V's). 0 with OUT filled (release with
 * run_result_free), or -1 with the reason in D.
 */
int study_run(const struct study_variant *v, const struct run_options *options,
	      struct run_result *out, struct diag *d);

/* Runs N variants in lockstep (run_variants); 0, or -1 with the reason in D. */
int study_run_variants(const struct study_variant *variants, int n, const struct run_options *options,
		       struct run_result *results, struct pairing *pairings, struct diag *d);

/* The header every command's result starts with. */
struct study_header {
	const char *command;
	const char *scenario;    /* the base scenario's name */
	int64_t replications;
	uint64_t seed;
	int threads;
	int processes;
	double seconds;
	const struct diag *warnings; /* the base scenario's (borrowed from the study) */
};

/* The header of ST's results (replications and seconds as the study ran). */
struct study_header study_header(const struct study *st, const char *command);

/* The share of R's replications that passed. */
double study_pass_share(const struct run_result *r);

#endif
