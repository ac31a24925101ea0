/* ccsim check: a scenario validated, set up and printed resolved. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "commands.h"
#include "i18n.h"
#include "interrupts.h"
#include "optimize.h"
#include "outputs.h"
#include "report.h"
#include "study.h"
#include "summary_text.h"

static const char *const check_usage =
	N_("Usage: ccsim check SCENARIO [--set PATH=VALUE]... [--json FILE]\n"
	"\n"
	"Validates SCENARIO, runs its policies' setup, and prints it resolved:\n"
	"every district-and-category parameter after defaults, overrides and\n"
	"policies. Exit 0 when valid; otherwise every problem as FILE:LINE: message\n"
	"and exit 2, or the plugin's error and exit 3.\n"
	"\n"
	"  -j, --json FILE   also write the resolved scenario as JSON (the model's\n"
	"                    every number, for other tools; whole or not at all)\n");

/* The sensitivity list's paths and ranges, as `ccsim sensitivity` will use them. */
static int check_sensitivity_list(struct study *st, const char *file)
{
	const struct scenario *s = st->base.scenario;
	for (int i = 0; i < s->n_sensitivity; i++) {
		const struct sensitivity_input *in = &s->sensitivity[i];
		for (int end = 0; end < 2; end++) {
			struct parameter_setting set = {in->path, end ? in->high : in->low, 0, 0};
			struct study_variant v;
			struct diag d;
			diag_init(&d, NULL);
			if (study_prepare(st, 0, &set, 1, NULL, NULL, &v, &d) != 0) {
				int status = cli_fail("check", st, &d, 0);
				fprintf(stderr, _("%s:%d: sensitivity entry %d: %s = %g cannot be used (above)\n"),
					in->file ? in->file : file, in->line, i + 1, in->path, set.value);
				return status;
			}
			diag_free(&d);
			study_variant_free(&v);
		}
	}
	return EXIT_OK;
}

/* The levers against their policies' plugins, as `ccsim optimize` will use them. */
static int check_levers(struct study *st)
{
	struct optimize_lever levers[LIMIT_LEVERS];
	/* a budget may come from --budget: only the levers are checked here */
	struct optimize_problem problem = {.command = "check", .levers = levers, .budget = 1.0};
	problem.n_levers = optimize_scenario_levers(st, levers);
	if (problem.n_levers == 0)
		return EXIT_OK;
	struct diag d;
	diag_init(&d, NULL);
	if (optimize_check(st, &problem, &d) != 0)
		return cli_fail("check", st, &d, 0);
	diag_free(&d);
	return EXIT_OK;
}

int command_check(int argc, char **argv, struct cluster *cluster)
{
	struct cli_options o;
	int status = cli_parse(argc, argv, "check", check_usage, NULL, NULL, NULL, NULL, &o, cluster);
	if (status != EXIT_OK)
		return status < 0 ? EXIT_OK : status;
	if (optind != argc - 1)
		return cli_usage_error("check", _("give exactly one scenario file"));
	const char *file = argv[optind];
	const char *json_only[1] = {o.json};
	if ((status = outputs_check_paths("check", json_only, 1, &file, 1)) != EXIT_OK)
		return status;
	struct study st;
	struct diag d;
	diag_init(&d, NULL);
	struct study_request request = cli_study_request(&o, 0);
	if (study_open(&st, &file, 1, &request, &d) != 0)
		return cli_fail("check", &st, &d, 0);
	cli_warnings(&o, &d);
	status = check_sensitivity_list(&st, file);
	if (status == EXIT_OK)
		status = check_levers(&st);
	if (status == EXIT_OK) {
		const struct scenario *s = st.base.scenario;
		char *json = o.json ? report_json_text(report_scenario_json(s)) : NULL;
		struct cli_options json_alone = o;
		json_alone.csv = NULL;
		interrupts_hold(1);
		status = cli_write_outputs(&json_alone, json, NULL);
		if (status == EXIT_OK)
			summary_text_check(stdout, file, s, study_variant_policies(&st.base));
		interrupts_hold(0);
		free(json);
	}
	study_close(&st);
	return status;
}
