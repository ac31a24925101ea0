/*
 * experiment: what every command that runs a scenario shares: settings and
 * variants from the command line, a variant loaded with its policies, and
 * output files written whole.
 */
#ifndef CCSIM_EXPERIMENT_H
#define CCSIM_EXPERIMENT_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "plugin.h"
#include "scenario.h"

/* Parses "PATH=VALUE" (VALUE a number); OUT->path points into TEXT. 0 or -1. */
int parse_setting(char *text, struct parameter_setting *out, char *error, size_t size);

/* A named variant of a scenario: its own settings. */
struct variant {
	char *name;
	int n;
	struct parameter_setting *settings;
};

/* Parses "NAME: PATH=VALUE, PATH=VALUE" (TEXT is changed and must outlive OUT). */
int parse_variant(char *text, struct variant *out, char *error, size_t size);
void variant_free(struct variant *v);

/* Changes a loaded scenario before its policies' setup (allocate splits one). */
typedef int (*scenario_transform)(struct scenario *s, void *context);

/* A variant ready to run: its scenario and its policies. */
struct prepared {
	struct scenario *scenario;
	struct plugin_host *plugins;
};

/*
 * Loads FILE with the settings COMMON then OWN (the later wins), applies
 * TRANSFORM (may be NULL), and runs the policies' setup keyed by SEED (NULL:
 * the scenario's run.seed or the default). Every problem goes to ERR. OWN's
 * `integer` flags tell which of its paths take whole numbers.
 * Returns 0 (exit status) or the exit status of the failure.
 */
int prepare_variant(const char *file, const struct parameter_setting *common, int n_common,
		    struct parameter_setting *own, int n_own, const uint64_t *seed,
		    scenario_transform transform, void *context, struct prepared *out, FILE *err);
void prepared_free(struct prepared *p);

/* The default seed and replication count when neither flag nor file gives one. */
#define EXPERIMENT_DEFAULT_SEED 20261122
#define EXPERIMENT_DEFAULT_REPLICATIONS 100000

#endif
