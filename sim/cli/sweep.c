/* ccsim sweep: P(pass) over a 1-D or 2-D grid of parameters. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "commands.h"
#include "decision_csv.h"
#include "decision_json.h"
#include "interrupts.h"
#include "outputs.h"
#include "summary_text.h"
#include "sweep.h"
#include "i18n.h"

static const char *const sweep_usage =
	N_("Usage: ccsim sweep SCENARIO --param PATH=LO:HI:STEPS [--param PATH=LO:HI:STEPS] [options]\n"
	"\n"
	"Runs the scenario at every point of a 1-D or 2-D grid of parameters (STEPS\n"
	"evenly spaced values from LO to HI, rounded for whole-number parameters)\n"
	"on the same random numbers, and prints P(pass), its interval and the mean\n"
	"Total at each point.\n"
	"\n"
	"  -p, --param PATH=LO:HI:STEPS   a parameter and its grid (once or twice)\n"
	"  -n, --reps N   replications per point (default 20000)\n"
	"  -S, --set PATH=V   -s, --seed S   -t, --threads T   -j, --json FILE\n"
	"  -c, --csv FILE     -q, --quiet\n");

struct parameters {
	int n;
	struct design_input list[LIMIT_INPUTS];
};

static int take_parameter(int opt, char *arg, void *context)
{
	struct parameters *p = context;
	return opt == 'p' ? cli_take_input("sweep", arg, 1, p->list, &p->n) : 1;
}

int command_sweep(int argc, char **argv, struct cluster *cluster)
{
	static const struct option own[] = {{"param", required_argument, NULL, 'p'}, {NULL, 0, NULL, 0}};
	struct cli_options o;
	struct parameters p = {0};
	int status = cli_parse(argc, argv, "sweep", sweep_usage, own, "p:", take_parameter, &p, &o,
			       cluster);
	if (status != EXIT_OK)
		return status < 0 ? EXIT_OK : status;
	if (argc - optind != 1)
		return cli_usage_error("sweep", _("give exactly one scenario file"));
	if (p.n < 1 || p.n > SWEEP_MAX_PARAMETERS)
		return cli_usage_error("sweep", _("give one or two --param PATH=LO:HI:STEPS"));
	const char *file = argv[optind];
	if ((status = outputs_check("sweep", &o, &file, 1)) != EXIT_OK)
		return status;

	struct study st;
	struct diag d;
	diag_init(&d, NULL);
	struct study_request request = cli_study_request(&o, 20000);
	if (study_open(&st, &file, 1, &request, &d) != 0)
		return cli_fail("sweep", &st, &d, 0);
	struct sweep_result r;
	if (sweep_run(&st, p.list, p.n, &r, &d) != 0) {
		status = cli_fail("sweep", &st, &d, 0);
		study_close(&st);
		return status;
	}
	cli_warnings(&o, &d);
	char *json = o.json ? decision_json_sweep(&r) : NULL;
	char *csv = o.csv ? decision_csv_sweep(&r) : NULL;
	interrupts_hold(1);
	status = cli_write_outputs(&o, json, csv);
	if (status == EXIT_OK && !o.quiet)
		summary_text_sweep(stdout, &r);
	interrupts_hold(0);
	free(json);
	free(csv);
	sweep_result_free(&r);
	study_close(&st);
	return status;
}
