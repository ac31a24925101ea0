/* ccsim solve: the value of a parameter at which P(pass) reaches a target. */
#include <stdio.h>
#include <stdlib.h>
#include <math.h>

#include "cli.h"
#include "commands.h"
#include "decision_json.h"
#include "interrupts.h"
#include "outputs.h"
#include "solve.h"
#include "summary_text.h"
#include "i18n.h"

static const char *const solve_usage =
	N_("Usage: ccsim solve SCENARIO --param PATH --target P --range LO:HI [--tolerance T] [options]\n"
	"\n"
	"Finds the value of PATH at which P(pass) reaches P (\"what weekly\n"
	"rectification rate gives a 90 % pass probability?\", \"what threshold could\n"
	"we still meet with 80 %?\") by bisection over LO..HI, every value on the\n"
	"same random numbers, P(pass) taken as monotone in PATH. Prints the bracket\n"
	"and P(pass) at both ends with their intervals, or says that the target\n"
	"lies outside the range.\n"
	"\n"
	"  -p, --param PATH     the parameter, as --set names it\n"
	"  -g, --target P       the P(pass) sought, within (0, 1)\n"
	"  -r, --range LO:HI    the values searched\n"
	"  -T, --tolerance T    the bracket's width at the end (default (HI - LO) / 100;\n"
	"                       1 for whole-number parameters)\n"
	"  -n, --reps N         replications per value (default 20000)\n"
	"  -S, --set PATH=V   -s, --seed S   -t, --threads T   -j, --json FILE   -q, --quiet\n");

struct flags {
	const char *path;
	double target, lo, hi, tolerance;
	int have_range;
};

static int take_option(int opt, char *arg, void *context)
{
	struct flags *f = context;
	char *end;
	switch (opt) {
	case 'p':
		f->path = arg;
		return 0;
	case 'g':
		f->target = strtod(arg, &end);
		if (*end != '\0' || !(f->target > 0.0 && f->target < 1.0))
			return cli_usage_error("solve", _("--target takes a probability within (0, 1), e.g. 0.9"));
		return 0;
	case 'r':
		f->lo = strtod(arg, &end);
		if (end == arg || *end != ':')
			return cli_usage_error("solve", _("--range takes LO:HI"));
		arg = end + 1;
		f->hi = strtod(arg, &end);
		if (end == arg || *end != '\0' || !(f->lo < f->hi) || !isfinite(f->hi - f->lo))
			return cli_usage_error("solve", _("--range takes LO:HI with LO < HI"));
		f->have_range = 1;
		return 0;
	case 'T':
		f->tolerance = strtod(arg, &end);
		if (*end != '\0' || !(f->tolerance > 0.0 && f->tolerance < LIMIT_BUDGET))
			return cli_usage_error("solve", _("--tolerance takes a positive number"));
		return 0;
	default:
		return 1;
	}
}

int command_solve(int argc, char **argv, struct cluster *cluster)
{
	static const struct option own[] = {
		{"param", required_argument, NULL, 'p'}, {"target", required_argument, NULL, 'g'},
		{"range", required_argument, NULL, 'r'}, {"tolerance", required_argument, NULL, 'T'},
		{NULL, 0, NULL, 0}};
	struct cli_options o;
	struct flags f = {0};
	int status = cli_parse(argc, argv, "solve", solve_usage, own, "p:g:r:T:", take_option, &f,
			       &o, cluster);
	if (status != EXIT_OK)
		return status < 0 ? EXIT_OK : status;
	if (argc - optind != 1)
		return cli_usage_error("solve", _("give exactly one scenario file"));
	if (f.path == NULL || f.target <= 0.0 || !f.have_range)
		return cli_usage_error("solve", _("give --param PATH, --target P and --range LO:HI"));
	if (f.tolerance <= 0.0)
		f.tolerance = (f.hi - f.lo) / 100.0;
	if ((f.hi - f.lo) / f.tolerance > 1e9)
		return cli_usage_error("solve", _("--tolerance is too small for the range"));
	if (o.csv)
		return cli_usage_error("solve", _("solve writes no CSV; use --json"));
	const char *file = argv[optind];
	if ((status = outputs_check("solve", &o, &file, 1)) != EXIT_OK)
		return status;

	struct study st;
	struct diag d;
	diag_init(&d, NULL);
	struct study_request request = cli_study_request(&o, 20000);
	if (study_open(&st, &file, 1, &request, &d) != 0)
		return cli_fail("solve", &st, &d, 0);
	struct solve_problem problem = {f.path, f.lo, f.hi, f.target, f.tolerance};
	struct solve_result r;
	if (solve_run(&st, &problem, &r, &d) != 0) {
		status = cli_fail("solve", &st, &d, 0);
		study_close(&st);
		return status;
	}
	cli_warnings(&o, &d);
	char *json = o.json ? decision_json_solve(&r) : NULL;
	interrupts_hold(1);
	status = cli_write_outputs(&o, json, NULL);
	if (status == EXIT_OK && !o.quiet)
		summary_text_solve(stdout, &r);
	interrupts_hold(0);
	free(json);
	study_close(&st);
	return status;
}
