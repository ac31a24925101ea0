/* ccsim compare: variants side by side on the same random numbers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "compare.h"
#include "decision_csv.h"
#include "decision_json.h"
#include "interrupts.h"
#include "outputs.h"
#include "progress.h"
#include "summary_text.h"
#include "i18n.h"

static const char *const compare_usage =
	N_("Usage: ccsim compare SCENARIO SCENARIO... [options]\n"
	"       ccsim compare SCENARIO --variant \"NAME: PATH=VALUE, PATH=VALUE\"... [options]\n"
	"\n"
	"Runs two or more variants on the same random numbers and, for each, prints\n"
	"P(pass) with its interval and the mean Total; against the first variant, the\n"
	"paired difference in P(pass) and in Total with 95 % intervals, and the share\n"
	"of replications where one passes and the other fails.\n"
	"\n"
	"  -v, --variant SPEC  a variant of the one scenario (repeatable); the first\n"
	"                      variant is the scenario itself, named \"base\"\n"
	"  -S, --set PATH=V    set a parameter in every variant (repeatable)\n"
	"  -n, --reps N        replications per variant\n"
	"  -P, --precision H   add replications until every difference in P(pass)\n"
	"                      has a 95 % half-width of at most H\n"
	"  -M, --max-reps N    with --precision, stop at N at the most\n"
	"  -s, --seed S   -t, --threads T   -j, --json FILE   -c, --csv FILE   -q, --quiet\n");

struct variants {
	int n;
	struct cli_variant list[LIMIT_VARIANTS];
};

static int take_variant(int opt, char *arg, void *context)
{
	struct variants *v = context;
	char error[512];
	if (opt != 'v')
		return 1;
	if (v->n == LIMIT_VARIANTS - 1)
		return cli_usage_error("compare", _("too many variants"));
	if (cli_parse_variant(arg, &v->list[v->n], error, sizeof error) != 0)
		return cli_usage_error("compare", error);
	v->n++;
	return 0;
}

/* Checks what was asked, then runs and writes; exit status. */
static int compare(int files, char **names, struct variants *own, const struct cli_options *o)
{
	if (files == 0)
		return cli_usage_error("compare", _("give a scenario"));
	if (files == 1 && own->n == 0)
		return cli_usage_error("compare", _("give two or more scenarios, or one with --variant"));
	if (files > 1 && own->n > 0)
		return cli_usage_error("compare", _("give several scenarios or --variant, not both"));
	if (files > LIMIT_VARIANTS)
		return cli_usage_error("compare", _("too many scenarios"));
	const char *const *inputs = (const char *const *)names;
	int status = outputs_check("compare", o, inputs, files);
	if (status != EXIT_OK)
		return status;

	int n = files > 1 ? files : 1 + own->n;
	struct compare_spec specs[LIMIT_VARIANTS];
	for (int v = 0; v < n; v++) {
		const struct cli_variant *mine = files == 1 && v > 0 ? &own->list[v - 1] : NULL;
		/* a file's variant is named by its (last) file's name */
		const char *last = scenario_last_layer(names[files > 1 ? v : 0]);
		const char *slash = strrchr(last, '/');
		specs[v].name = files > 1 ? (slash ? slash + 1 : last) : v == 0 ? "base" : mine->name;
		specs[v].source = files > 1 ? v : 0;
		specs[v].settings = mine ? mine->settings : NULL;
		specs[v].n_settings = mine ? mine->n : 0;
	}
	struct study st;
	struct diag d;
	diag_init(&d, NULL);
	struct study_request request = cli_study_request(o, 0);
	if (study_open(&st, inputs, files, &request, &d) != 0)
		return cli_fail("compare", &st, &d, 0);
	struct compare_result *r = calloc(1, sizeof *r);
	if (r == NULL) {
		diag_no_memory(&d, _("comparing"));
		study_close(&st);
		return cli_fail("compare", NULL, &d, 0);
	}
	struct run_options run = st.run;
	struct progress_bar bar;
	progress_start(&bar, o->quiet);
	run.progress = progress_update;
	run.progress_context = &bar;
	int failed = compare_run(&st, specs, n, &run, r, &d);
	progress_finish(&bar);
	if (failed) {
		status = cli_fail("compare", &st, &d, 0);
		if (st.failed_file == NULL)
			fprintf(stderr, _("ccsim compare: nothing was written\n"));
	} else {
		cli_warnings(o, &d);
		char *json = o->json ? decision_json_compare(r) : NULL;
		char *csv = o->csv ? decision_csv_compare(r) : NULL;
		interrupts_hold(1);
		status = cli_write_outputs(o, json, csv);
		if (status == EXIT_OK && !o->quiet)
			summary_text_compare(stdout, r);
		interrupts_hold(0);
		free(json);
		free(csv);
		compare_result_free(r);
	}
	free(r);
	study_close(&st);
	return status;
}

int command_compare(int argc, char **argv, struct cluster *cluster)
{
	static const struct option own[] = {{"variant", required_argument, NULL, 'v'}, {NULL, 0, NULL, 0}};
	struct cli_options o;
	struct variants variants = {0};
	int status = cli_parse(argc, argv, "compare", compare_usage, own, "v:", take_variant,
			       &variants, &o, cluster);
	if (status == EXIT_OK)
		status = compare(argc - optind, argv + optind, &variants, &o);
	for (int v = 0; v < variants.n; v++)
		cli_variant_free(&variants.list[v]);
	return status < 0 ? EXIT_OK : status;
}
