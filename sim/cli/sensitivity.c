/* ccsim sensitivity: a tornado, Morris or Sobol' analysis of the inputs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "cli.h"
#include "distribution.h"
#include "uncertain.h"
#include "commands.h"
#include "decision_csv.h"
#include "decision_json.h"
#include "interrupts.h"
#include "outputs.h"
#include "summary_text.h"
#include "i18n.h"

static const char *const sensitivity_usage =
	N_("Usage: ccsim sensitivity SCENARIO [--method tornado|morris|sobol] [--param PATH=LO:HI]... [options]\n"
	"\n"
	"How much P(pass) and the mean Total depend on each input, over the ranges of\n"
	"the --param flags, else of the scenario's uncertain inputs (each over its\n"
	"distribution: the 10th to 90th percentile for the tornado, the 1st to 99th\n"
	"for morris and sobol, the other inputs drawn as usual; a relative input as\n"
	"PATH*, its multiplier), else of its sensitivity list. Every point runs on\n"
	"the same random numbers.\n"
	"  tornado  each input at its low and its high, the others as the scenario\n"
	"           says; sorted by the swing in P(pass)\n"
	"  morris   elementary effects on random trajectories: mu* (importance),\n"
	"           sigma (non-linearity and interaction)\n"
	"  sobol    first-order and total Sobol' indices by Saltelli's sampling and\n"
	"           Jansen's estimators, with bootstrap 95 % intervals; with\n"
	"           --replicates R, from R independent scrambled Sobol' designs\n"
	"           (randomized quasi-Monte Carlo: far fewer points for the same\n"
	"           precision) with Student t 95 % intervals\n"
	"\n"
	"  -m, --method M        tornado (default), morris or sobol\n"
	"  -p, --param PATH=LO:HI  an input and its range (repeatable)\n"
	"  -r, --trajectories R  morris trajectories (default 10)\n"
	"  -l, --levels L        morris grid levels, even (default 4)\n"
	"  -N, --samples N       sobol base samples (default 64): (inputs + 2) N points\n"
	"  -b, --bootstrap B     sobol bootstrap resamples (default 1000)\n"
	"  -R, --replicates R    sobol: R >= 2 scrambled Sobol' designs of N / R rows\n"
	"                        (rounded up to a power of 2) instead of the bootstrap\n"
	"  -n, --reps N          replications per point (tornado 20000, morris 2000,\n"
	"                        sobol 500)\n"
	"  -S, --set PATH=V   -s, --seed S   -t, --threads T   -j, --json FILE\n"
	"  -c, --csv FILE     -q, --quiet\n");

struct flags {
	struct analysis_request request;
	struct design_input inputs[LIMIT_INPUTS];
	char scaled[LIMIT_INPUTS][512];  /* a relative uncertain input's PATH* */
};

static int take_option(int opt, char *arg, void *context)
{
	struct flags *f = context;
	struct analysis_request *r = &f->request;
	unsigned long long value;
	switch (opt) {
	case 'm':
		if (strcmp(arg, "tornado") == 0)
			r->method = ANALYSIS_TORNADO;
		else if (strcmp(arg, "morris") == 0)
			r->method = ANALYSIS_MORRIS;
		else if (strcmp(arg, "sobol") == 0)
			r->method = ANALYSIS_SOBOL;
		else
			return cli_usage_error("sensitivity", _("--method is tornado, morris or sobol"));
		return 0;
	case 'r':
		if (cli_parse_count(arg, 2, 100000, &value) != 0)
			return cli_usage_error("sensitivity", _("--trajectories takes 2 to 100000"));
		r->trajectories = (int)value;
		return 0;
	case 'l':
		if (cli_parse_count(arg, 2, 100, &value) != 0 || value % 2)
			return cli_usage_error("sensitivity", _("--levels takes an even number from 2 to 100"));
		r->levels = (int)value;
		return 0;
	case 'N':
		if (cli_parse_count(arg, 2, 1000000, &value) != 0)
			return cli_usage_error("sensitivity", _("--samples takes 2 to 1000000"));
		r->samples = (int)value;
		return 0;
	case 'b':
		if (cli_parse_count(arg, 0, 100000, &value) != 0)
			return cli_usage_error("sensitivity", _("--bootstrap takes 0 to 100000"));
		r->bootstrap = (int)value;
		return 0;
	case 'R':
		if (cli_parse_count(arg, 2, 1000, &value) != 0)
			return cli_usage_error("sensitivity", _("--replicates takes 2 to 1000"));
		r->replicates = (int)value;
		return 0;
	case 'p':
		return cli_take_input("sensitivity", arg, 0, f->inputs, &r->k);
	default:
		return 1;
	}
}

/* The inputs: the flags', else the base scenario's sensitivity list. */
static void take_scenario_inputs(const struct scenario *s, struct flags *f)
{
	for (int i = 0; i < s->n_sensitivity && f->request.k < LIMIT_INPUTS; i++) {
		struct design_input *in = &f->inputs[f->request.k++];
		memset(in, 0, sizeof *in);
		in->path = s->sensitivity[i].path;
		in->lo = s->sensitivity[i].low;
		in->hi = s->sensitivity[i].high;
	}
}

/*
 * The inputs: the base scenario's uncertain inputs over their distributions
 * (docs/model.md 3.12), a relative one scaling its path (PATH*, which fixes
 * it). 0, or -1 when there are more than LIMIT_INPUTS.
 */
static int take_uncertain_inputs(const struct scenario *s, struct flags *f)
{
	const struct uncertain_set *set = s->uncertain;
	int n = set != NULL ? uncertain_count(set) : 0;
	if (n > LIMIT_INPUTS)
		return -1;
	int tornado = f->request.method == ANALYSIS_TORNADO;
	for (int k = 0; k < n; k++) {
		struct design_input *in = &f->inputs[f->request.k++];
		memset(in, 0, sizeof *in);
		in->path = uncertain_path(set, k);
		if (uncertain_is_relative(set, k)) {
			snprintf(f->scaled[k], sizeof f->scaled[k], "%s*", in->path);
			in->path = f->scaled[k];
		}
		in->dist = uncertain_distribution(set, k);
		in->p_lo = tornado ? 0.1 : 0.01;
		in->p_hi = tornado ? 0.9 : 0.99;
		in->lo = distribution_quantile(in->dist, in->p_lo);
		in->hi = distribution_quantile(in->dist, in->p_hi);
	}
	return 0;
}

int command_sensitivity(int argc, char **argv, struct cluster *cluster)
{
	static const struct option own[] = {
		{"param", required_argument, NULL, 'p'},     {"method", required_argument, NULL, 'm'},
		{"trajectories", required_argument, NULL, 'r'}, {"levels", required_argument, NULL, 'l'},
		{"samples", required_argument, NULL, 'N'},   {"bootstrap", required_argument, NULL, 'b'},
		{"replicates", required_argument, NULL, 'R'}, {NULL, 0, NULL, 0}};
	static const int default_reps[] = {[ANALYSIS_TORNADO] = 20000, [ANALYSIS_MORRIS] = 2000,
					   [ANALYSIS_SOBOL] = 500};
	struct cli_options o;
	struct flags f = {.request = {.method = ANALYSIS_TORNADO, .trajectories = 10, .levels = 4,
				      .samples = 64, .bootstrap = 1000}};
	f.request.inputs = f.inputs;
	int status = cli_parse(argc, argv, "sensitivity", sensitivity_usage, own, "p:m:r:l:N:b:R:",
			       take_option, &f, &o, cluster);
	if (status != EXIT_OK)
		return status < 0 ? EXIT_OK : status;
	if (argc - optind != 1)
		return cli_usage_error("sensitivity", _("give exactly one scenario file"));
	const char *file = argv[optind];
	if ((status = outputs_check("sensitivity", &o, &file, 1)) != EXIT_OK)
		return status;

	struct study st;
	struct diag d;
	diag_init(&d, NULL);
	struct study_request request = cli_study_request(&o, default_reps[f.request.method]);
	if (study_open(&st, &file, 1, &request, &d) != 0)
		return cli_fail("sensitivity", &st, &d, 0);
	if (f.request.k == 0 && take_uncertain_inputs(st.base.scenario, &f) != 0) {
		diag_free(&d);
		study_close(&st);
		return cli_usage_error("sensitivity", _("the scenario has more uncertain inputs than "
				       "sensitivity analyses at once: give --param PATH=LO:HI"));
	}
	if (f.request.k == 0)
		take_scenario_inputs(st.base.scenario, &f);
	if (f.request.k == 0) {
		diag_free(&d);
		study_close(&st);
		return cli_usage_error("sensitivity",
				       _("the scenario has no sensitivity list: give --param PATH=LO:HI"));
	}
	struct analysis_result *r = calloc(1, sizeof *r);
	if (r == NULL)
		diag_no_memory(&d, _("preparing the analysis"));
	if (r == NULL || analysis_run(&st, &f.request, r, &d) != 0) {
		status = cli_fail("sensitivity", &st, &d, 0);
		free(r);
		study_close(&st);
		return status;
	}
	cli_warnings(&o, &d);
	char *json = o.json ? decision_json_analysis(r) : NULL;
	char *csv = o.csv ? decision_csv_analysis(r) : NULL;
	interrupts_hold(1);
	status = cli_write_outputs(&o, json, csv);
	if (status == EXIT_OK && !o.quiet)
		summary_text_analysis(stdout, r);
	interrupts_hold(0);
	free(json);
	free(csv);
	free(r);
	study_close(&st); /* after: the inputs' paths may point into its scenario */
	return status;
}
