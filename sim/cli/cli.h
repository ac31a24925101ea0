/*
 * cli: what the commands of the ccsim executable share: options, run
 * settings from flags and file, and the exit statuses.
 */
#ifndef CCSIM_CLI_H
#define CCSIM_CLI_H

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdint.h>

#include "ccsim_limits.h"
#include "cluster.h"
#include "runner.h"
#include "scenario.h"

enum exit_status {
	EXIT_OK = 0,
	EXIT_INTERNAL = 1,
	EXIT_INPUT = 2,
	EXIT_PLUGIN = 3,
	EXIT_INTERRUPTED = 130  /* Ctrl-C: what was done is written, marked incomplete */
};

/* A progress bar on stderr: done, rate, time left. Shown only when stderr
 * is a terminal and the command is not --quiet. */
struct progress_bar {
	int shown;
	double started;
	int drawn;
};

void progress_start(struct progress_bar *bar, int quiet);

/* A run_options progress callback; CONTEXT is the bar. */
void progress_update(void *context, int64_t done, int64_t total);

/* Ends the bar's line. */
void progress_finish(struct progress_bar *bar);

/* The options every running command takes. */
struct cli_options {
	const char *json;
	const char *csv;
	int quiet;
	int have_reps;
	int64_t reps;
	int have_seed;
	uint64_t seed;
	int threads;
	double precision;
	int64_t max_reps;
	int n_settings;
	struct parameter_setting settings[LIMIT_SETTINGS];  /* --set PATH=VALUE */
	struct cluster *cluster;  /* the job's processes (cli_options_join) */
};

/* getopt_long entries of the common options; end a command's table with them. */
#define CLI_COMMON_OPTIONS                                               \
	{"reps", required_argument, NULL, 'n'},                          \
	{"seed", required_argument, NULL, 's'},                          \
	{"threads", required_argument, NULL, 't'},                       \
	{"json", required_argument, NULL, 'j'},                          \
	{"csv", required_argument, NULL, 'c'},                           \
	{"quiet", no_argument, NULL, 'q'},                               \
	{"set", required_argument, NULL, 'S'},                           \
	{"precision", required_argument, NULL, 'P'},                     \
	{"max-reps", required_argument, NULL, 'M'},                      \
	{"help", no_argument, NULL, 'h'}
#define CLI_COMMON_SHORT "n:s:t:j:c:qS:P:M:h"

void cli_options_init(struct cli_options *o);

/* After parsing: runs share the work of CLUSTER's processes, and only the
 * one that writes keeps --json, --csv and what is printed. */
void cli_options_join(struct cli_options *o, struct cluster *cluster);

/*
 * Handles option OPT (with ARG) when it is a common one. Returns 0 when
 * handled, 1 when OPT is not common, or an exit status (after a message)
 * when ARG is wrong. USAGE is printed for -h, and then -1 is returned.
 */
int cli_common_option(struct cli_options *o, int opt, char *arg, const char *command,
		      const char *usage);

/* Marks the writing of output files (BLOCK 1) and its end (0): a Ctrl-C
 * meanwhile ends the process only once the files are whole. Defined by
 * main.c, which owns the Ctrl-C handler. */
void cli_hold_interrupts(int block);

/* Prints "ccsim COMMAND: MESSAGE" and a hint; returns EXIT_INPUT. */
int cli_usage_error(const char *command, const char *message);

/* The run options from the flags, else the scenario's run section, else defaults. */
struct run_options cli_run_options(const struct cli_options *o, const struct scenario *s);

/* Parses a whole decimal number in [LO, HI]; 0 or -1. */
int cli_parse_count(const char *text, unsigned long long lo, unsigned long long hi,
		    unsigned long long *out);

/* Parses "LO:HI" or "LO:HI:STEPS" after "PATH="; 0 or -1 with a message. */
int cli_parse_range(char *text, const char **path, double *lo, double *hi, int *steps,
		    int want_steps, char *error, size_t size);

/* Writes TEXT to PATH, whole or not at all; exit status. */
int cli_write_text(const char *path, const char *text, FILE *err);

/* Writes ROOT (stolen) as JSON to PATH, whole or not at all; exit status. */
int cli_write_json(const char *path, json_t *root, FILE *err);

#endif
