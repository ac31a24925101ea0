/*
 * cli: what the commands of the ccsim executable share: options, the study
 * they ask for, output files, and the exit statuses, decided here alone.
 */
#ifndef CCSIM_CLI_H
#define CCSIM_CLI_H

#include <getopt.h>
#include <stdio.h>
#include <stdint.h>

#include "ccsim_limits.h"
#include "cluster.h"
#include "diag.h"
#include "scenario.h"
#include "design.h"
#include "study.h"

enum exit_status {
	EXIT_OK = 0,
	EXIT_INTERNAL = 1,
	EXIT_INPUT = 2,
	EXIT_PLUGIN = 3
	/* interrupted: 128 + the signal's number (interrupts_status) */
};

/* The options every running command takes. */
/* --max-reps when not given. */
#define CLI_DEFAULT_MAX_REPS 10000000

struct cli_options {
	const char *json;
	const char *csv;
	int quiet;
	int excel;          /* --excel: CSV with a byte-order mark (also when the language is Chinese) */
	int have_reps;
	int64_t reps;
	int have_seed;
	uint64_t seed;
	int threads;
	double precision;
	int have_max_reps; /* --max-reps given (its value may equal the default) */
	int64_t max_reps;
	int strict;        /* --strict: warnings are errors */
	int n_settings;
	struct parameter_setting settings[LIMIT_SETTINGS];  /* --set PATH=VALUE */
	struct cluster *cluster;  /* the job's processes (cli_options_join) */
};

/* Long options without a letter. */
#define CLI_OPTION_EXCEL 0x100

/* --strict has no short form: its getopt value is this. */
#define CLI_STRICT 1000

/* getopt_long entries of the common options; end a command's table with them. */
#define CLI_COMMON_OPTIONS                                               \
	{"reps", required_argument, NULL, 'n'},                          \
	{"seed", required_argument, NULL, 's'},                          \
	{"threads", required_argument, NULL, 't'},                       \
	{"json", required_argument, NULL, 'j'},                          \
	{"csv", required_argument, NULL, 'c'},                           \
	{"quiet", no_argument, NULL, 'q'},                               \
	{"excel", no_argument, NULL, CLI_OPTION_EXCEL},                  \
	{"set", required_argument, NULL, 'S'},                           \
	{"precision", required_argument, NULL, 'P'},                     \
	{"max-reps", required_argument, NULL, 'M'},                      \
	{"strict", no_argument, NULL, CLI_STRICT},                       \
	{"help", no_argument, NULL, 'h'}
#define CLI_COMMON_SHORT "n:s:t:j:c:qS:P:M:h"

/* A command's own option OPT with ARG: 0 when taken, 1 when not its own,
 * else an exit status (after a message). */
typedef int (*cli_own_option)(int opt, char *arg, void *context);

/*
 * Parses the common options and a command's own (OWN, getopt entries ending
 * with a NULL name, and OWN_SHORT; both may be empty) into O, then joins
 * CLUSTER. Leaves the positional arguments from optind. Returns EXIT_OK, -1
 * after --help (USAGE printed), or an exit status after a message.
 */
int cli_parse(int argc, char **argv, const char *command, const char *usage,
	      const struct option *own, const char *own_short, cli_own_option handle,
	      void *context, struct cli_options *o, struct cluster *cluster);

/* Prints "ccsim COMMAND: MESSAGE" and a hint; returns EXIT_INPUT. */
int cli_usage_error(const char *command, const char *message);

/* Parses a whole decimal number in [LO, HI]; 0 or -1. */
int cli_parse_count(const char *text, unsigned long long lo, unsigned long long hi,
		    unsigned long long *out);

/* Parses "LO:HI" or "LO:HI:STEPS" after "PATH="; 0 or -1 with a message. */
int cli_parse_range(char *text, const char **path, double *lo, double *hi, int *steps,
		    int want_steps, char *error, size_t size);

/* Parses "PATH=VALUE" (VALUE a number); OUT->path points into TEXT. 0 or -1. */
int cli_parse_setting(char *text, struct parameter_setting *out, char *error, size_t size);

/* Takes --param ARG ("PATH=LO:HI", with ":STEPS" when WITH_STEPS) into
 * INPUTS[*N] (at most LIMIT_INPUTS); 0, or an exit status after a message. */
int cli_take_input(const char *command, char *arg, int with_steps, struct design_input *inputs,
		   int *n);

/* A named variant of a scenario: its own settings. */
struct cli_variant {
	char *name;
	int n;
	struct parameter_setting *settings;
};

/* Parses "NAME: PATH=VALUE, PATH=VALUE" (TEXT is changed and must outlive OUT). */
int cli_parse_variant(char *text, struct cli_variant *out, char *error, size_t size);
void cli_variant_free(struct cli_variant *v);

/* The study O asks for; DEFAULT_REPS is the command's own default for --reps
 * (0: the scenario's run section, else the default). */
struct study_request cli_study_request(const struct cli_options *o, int default_reps);

/*
 * Prints the warnings D holds (a scenario's values that are valid but almost
 * surely not what was meant) on stderr as FILE:LINE: warning: ..., each once
 * however many variants repeated it, then frees D. Under --quiet too; only
 * the process of O's job that writes prints them.
 */
void cli_warnings(const struct cli_options *o, struct diag *d);

/* The exit status D's worst problem calls for: 2 input, 3 plugin, 1 memory
 * or system; 1 when D holds no error (a failure said nothing). */
int cli_exit_status(const struct diag *d);

/*
 * Prints the problems of a failed COMMAND in D on stderr and returns the
 * exit status. When preparing a variant of ST failed (ST may be NULL), a
 * closing sentence says nothing was simulated; a run's own failure is
 * prefixed with "ccsim COMMAND: " when PREFIX is set (not for a plugin's,
 * which names itself). Frees D.
 */
int cli_fail(const char *command, const struct study *st, struct diag *d, int prefix);

/* Writes TEXT to PATH, whole or not at all; exit status. */
int cli_write_text(const char *path, const char *text, FILE *err);
/* A CSV written whole: with a UTF-8 byte-order mark when EXCEL or the
 * language is Chinese (Excel and WPS read UTF-8 only then). */
int cli_write_csv(const char *path, const char *text, int excel);

/* Writes the JSON text JSON and the CSV text CSV of a command to O's --json
 * and --csv, those that were asked for (a NULL text for one asked for: memory
 * ran out making it); exit status. The caller holds the signals. */
int cli_write_outputs(const struct cli_options *o, const char *json, const char *csv);

#endif
