/* ccsim optimize: a budget spent across levers where it buys most P(pass). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "cli.h"
#include "i18n.h"
#include "commands.h"
#include "interrupts.h"
#include "optimize.h"
#include "optimize_report.h"
#include "outputs.h"
#include "optimize_cli.h"
#include "progress.h"

static const char *const optimize_usage =
	N_("Usage: ccsim optimize SCENARIO [--budget B] [--lever NAME:POLICY:PARAM:UNIT_COST:STEP:MAX]...\n"
	"                      [options]\n"
	"\n"
	"Spends a budget across levers, each a numeric parameter of a policy set\n"
	"district by district over the policy's targets: step by step, the step\n"
	"of one lever in one district that buys the most P(pass) per unit of cost\n"
	"(ties by mean Total), on common random numbers: every candidate runs\n"
	"--reps replications, and those not yet separated from the leader run\n"
	"on, up to --max-reps, until the choice is separated within the\n"
	"indifference zone. The plan is then evaluated on fresh replications\n"
	"against the base and the same spend spread evenly. The budget and the\n"
	"levers come from the scenario's `budget` and `levers` unless given here\n"
	"(--lever replaces the file's levers; repeat it for several).\n"
	"\n"
	"  -B, --budget B          the whole budget, in the levers' cost unit\n"
	"  -l, --lever SPEC        NAME:POLICY:PARAM:UNIT_COST:STEP:MAX (POLICY from 1)\n"
	"  -n, --reps N            replications a step starts with (default 2000)\n"
	"  -M, --max-reps N        the most a step may use (default 8 times --reps)\n"
	"  -i, --indifference D    the indifference zone in P(pass) (default 0.001)\n"
	"  -H, --holdout-reps N    fresh replications for the final plan (default 20000; 0 none)\n"
	"  -T, --target P          stop at the first step reaching P(pass) >= P\n"
	"  -S, --set PATH=V   -s, --seed S   -t, --threads T   -j, --json FILE\n"
	"  -c, --csv FILE     -q, --quiet\n");

#define OPTIMIZE_DEFAULT_REPS 2000
#define OPTIMIZE_DEFAULT_HOLDOUT 20000
#define OPTIMIZE_TEXT_CHARS 256

struct flags {
	double budget;
	int have_budget;
	double indifference;
	long long holdout;
	double target;
	int n_levers;
	struct optimize_lever levers[LIMIT_LEVERS];
	char names[LIMIT_LEVERS][OPTIMIZE_TEXT_CHARS];
	char params[LIMIT_LEVERS][OPTIMIZE_TEXT_CHARS];
};

/* A number in (LO, HI] from TEXT, else -1. */
static int parse_number(const char *text, double lo, double hi, double *out)
{
	char *end;
	double value = strtod(text, &end);
	if (end == text || *end != '\0' || !(value > lo && value <= hi))
		return -1;
	*out = value;
	return 0;
}

/* NAME:POLICY:PARAM:UNIT_COST:STEP:MAX into F's next lever. */
static int take_lever(struct flags *f, const char *arg)
{
	if (f->n_levers >= LIMIT_LEVERS)
		return cli_usage_error("optimize", _("too many --lever flags"));
	char copy[4 * OPTIMIZE_TEXT_CHARS];
	char *field[6];
	int n = 0;
	if (strlen(arg) >= sizeof copy)
		return cli_usage_error("optimize", _("--lever is too long"));
	strcpy(copy, arg);
	for (char *at = copy; n < 6; n++) {
		field[n] = at;
		char *colon = strchr(at, ':');
		if (colon == NULL) {
			n++;
			break;
		}
		*colon = '\0';
		at = colon + 1;
	}
	const char *wrong = _("--lever takes NAME:POLICY:PARAM:UNIT_COST:STEP:MAX, e.g. "
			      "officers:2:officers:2000:10:300");
	if (n != 6 || field[0][0] == '\0' || field[2][0] == '\0' ||
	    strlen(field[0]) >= OPTIMIZE_TEXT_CHARS || strlen(field[2]) >= OPTIMIZE_TEXT_CHARS)
		return cli_usage_error("optimize", wrong);
	unsigned long long policy;
	struct optimize_lever *l = &f->levers[f->n_levers];
	if (cli_parse_count(field[1], 1, LIMIT_POLICY_NUMBER, &policy) != 0)
		return cli_usage_error("optimize", _("--lever's POLICY is the policy's number, from 1"));
	if (parse_number(field[3], 0.0, LIMIT_BUDGET, &l->unit_cost) != 0 ||
	    parse_number(field[4], 0.0, LIMIT_BUDGET, &l->step) != 0 ||
	    parse_number(field[5], 0.0, LIMIT_BUDGET, &l->max) != 0)
		return cli_usage_error("optimize", _("--lever's UNIT_COST, STEP and MAX are positive numbers"));
	if (l->max < l->step)
		return cli_usage_error("optimize", _("--lever's MAX is below its STEP"));
	strcpy(f->names[f->n_levers], field[0]);
	strcpy(f->params[f->n_levers], field[2]);
	l->name = f->names[f->n_levers];
	l->param = f->params[f->n_levers];
	l->policy = (int)policy - 1;
	l->file = NULL;
	l->line = 0;
	f->n_levers++;
	return 0;
}

static int take_option(int opt, char *arg, void *context)
{
	struct flags *f = context;
	unsigned long long count;
	switch (opt) {
	case 'B':
		if (parse_number(arg, 0.0, LIMIT_BUDGET, &f->budget) != 0)
			return cli_usage_error("optimize", _("--budget takes a positive number"));
		f->have_budget = 1;
		return 0;
	case 'l':
		return take_lever(f, arg);
	case 'i':
		if (parse_number(arg, 0.0, 1.0, &f->indifference) != 0)
			return cli_usage_error("optimize", _("--indifference takes a number in (0, 1]"));
		return 0;
	case 'H':
		if (cli_parse_count(arg, 0, 1ULL << 40, &count) != 0)
			return cli_usage_error("optimize", _("--holdout-reps takes a whole number, 0 for none"));
		f->holdout = (long long)count;
		return 0;
	case 'T':
		if (parse_number(arg, 0.0, 1.0, &f->target) != 0)
			return cli_usage_error("optimize", _("--target takes a P(pass) in (0, 1]"));
		return 0;
	default:
		return 1;
	}
}

int optimize_cli_run(const char *command, const char *file, struct optimize_problem *problem,
		     const struct cli_options *o, int max_reps_given, int default_reps)
{
	struct study st;
	struct diag d;
	diag_init(&d, NULL);
	struct study_request request = cli_study_request(o, default_reps);
	if (study_open(&st, &file, 1, &request, &d) != 0)
		return cli_fail(command, &st, &d, 0);
	struct optimize_lever from_file[LIMIT_LEVERS];
	if (problem->n_levers == 0) {
		problem->n_levers = optimize_scenario_levers(&st, from_file);
		problem->levers = from_file;
	}
	const struct budget *budget = &st.base.scenario->budget;
	if (!(problem->budget > 0.0) && budget->present)
		problem->budget = budget->total;
	if (problem->unit == NULL)
		problem->unit = budget->present ? budget->unit : "";
	problem->reps = st.run.replications;
	if (!max_reps_given)
		problem->max_reps = 8 * problem->reps;
	struct run_options run = st.run;
	struct progress_bar bar;
	progress_start(&bar, o->quiet);
	run.stop = interrupts_stop_flag();
	run.progress = progress_update;
	run.progress_context = &bar;
	struct optimize_result r;
	interrupts_graceful(1);
	double started = omp_get_wtime();
	int failed = optimize_run(&st, problem, &run, &r, &d);
	interrupts_graceful(0);
	progress_finish(&bar);
	int status;
	if (failed) {
		status = cli_fail(command, &st, &d, 0);
		fprintf(stderr, _("ccsim %s: nothing was written\n"), command);
		study_close(&st);
		return status;
	}
	r.header.seconds = omp_get_wtime() - started;
	cli_warnings(o, &d);
	char *json = o->json ? optimize_report_json(&r) : NULL;
	char *csv = o->csv ? optimize_report_csv(&r) : NULL;
	interrupts_hold(1);
	status = cli_write_outputs(o, json, csv);
	if (status == EXIT_OK && !o->quiet)
		optimize_report_text(stdout, &r);
	if (status == EXIT_OK && !r.complete)
		status = interrupts_status();
	interrupts_hold(0);
	free(json);
	free(csv);
	optimize_free(&r);
	study_close(&st);
	return status;
}

int command_optimize(int argc, char **argv, struct cluster *cluster)
{
	static const struct option own[] = {
		{"budget", required_argument, NULL, 'B'}, {"lever", required_argument, NULL, 'l'},
		{"indifference", required_argument, NULL, 'i'},
		{"holdout-reps", required_argument, NULL, 'H'}, {"target", required_argument, NULL, 'T'},
		{NULL, 0, NULL, 0}};
	struct cli_options o;
	struct flags *f = calloc(1, sizeof *f);
	if (f == NULL) {
		fprintf(stderr, _("ccsim optimize: out of memory\n"));
		return EXIT_INTERNAL;
	}
	f->indifference = 0.001;
	f->holdout = OPTIMIZE_DEFAULT_HOLDOUT;
	int status = cli_parse(argc, argv, "optimize", optimize_usage, own, "B:l:i:H:T:", take_option,
			       f, &o, cluster);
	if (status == EXIT_OK && argc - optind != 1)
		status = cli_usage_error("optimize", _("give exactly one scenario file"));
	const char *file = status == EXIT_OK ? argv[optind] : NULL;
	if (status == EXIT_OK)
		status = outputs_check("optimize", &o, &file, 1);
	if (status == EXIT_OK) {
		struct optimize_problem problem = {
			.command = "optimize", .n_levers = f->n_levers, .levers = f->levers,
			.budget = f->have_budget ? f->budget : 0.0, .unit = NULL,
			.max_reps = o.max_reps, .indifference = f->indifference,
			.holdout_reps = f->holdout, .target = f->target, .from_zero = 0};
		status = optimize_cli_run("optimize", file, &problem, &o,
					  o.have_max_reps, OPTIMIZE_DEFAULT_REPS);
	}
	free(f);
	return status < 0 ? EXIT_OK : status;
}
