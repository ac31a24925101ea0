/* ccsim run: one scenario simulated and summarised. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "commands.h"
#include "interrupts.h"
#include "outputs.h"
#include "progress.h"
#include "report.h"
#include "study.h"
#include "i18n.h"

static const char *const run_usage =
	N_("Usage: ccsim run SCENARIO [--reps N] [--seed S] [--threads T] [--json FILE] [--csv FILE]\n"
	"                          [--set PATH=VALUE]... [--precision H [--max-reps N]] [--quiet]\n"
	"\n"
	"Simulates SCENARIO and prints the pass probability with its 95 % Wilson\n"
	"interval, veto probabilities and why failures failed, score quantiles,\n"
	"component means, the districts and site categories that lose the most\n"
	"points, and the rectification rate. The scenario's run: { replications;\n"
	"seed; } are defaults that the flags override.\n"
	"\n"
	"  -n, --reps N        replications (default: run.replications, else 100000)\n"
	"  -s, --seed S        seed, 0 to 2^64-1 (default: run.seed, else 20261122)\n"
	"  -t, --threads T     OpenMP threads (default: all cores); the results do\n"
	"                      not depend on it\n"
	"  -j, --json FILE     write the full results as JSON to FILE (whole or not\n"
	"                      at all)\n"
	"  -c, --csv FILE      write the per-district and per-category tables as CSV\n"
	"  -S, --set PATH=V    set a parameter by path (districts.Xigu.rectify_rate=0.2),\n"
	"                      as if the file said it; repeatable\n"
	"  -P, --precision H   add replications until the 95 % half-width of P(pass)\n"
	"                      is at most H (checked every 4096 replications)\n"
	"  -M, --max-reps N    with --precision, stop at N at the most (10000000)\n"
	"  -q, --quiet         print nothing but errors (and no progress bar)\n"
	"  -h, --help          this help\n"
	"\n"
	"A progress bar shows on a terminal. Ctrl-C (or SIGTERM, SIGHUP) stops at the\n"
	"next replication, prints and writes what was done marked as interrupted\n"
	"(\"complete\": false), and exits with 130 (143, 129); a second ends at once,\n"
	"writing nothing.\n");

int command_run(int argc, char **argv, struct cluster *cluster)
{
	struct cli_options o;
	int status = cli_parse(argc, argv, "run", run_usage, NULL, NULL, NULL, NULL, &o, cluster);
	if (status != EXIT_OK)
		return status < 0 ? EXIT_OK : status;
	if (optind != argc - 1)
		return cli_usage_error("run", _("give exactly one scenario file"));
	const char *file = argv[optind];
	if ((status = outputs_check("run", &o, &file, 1)) != EXIT_OK)
		return status;

	struct study st;
	struct diag d;
	diag_init(&d, NULL);
	struct study_request request = cli_study_request(&o, 0);
	if (study_open(&st, &file, 1, &request, &d) != 0)
		return cli_fail("run", &st, &d, 1);
	struct run_options run = st.run;
	struct progress_bar bar;
	progress_start(&bar, o.quiet);
	run.stop = interrupts_stop_flag();
	run.progress = progress_update;
	run.progress_context = &bar;
	struct run_result result;
	interrupts_graceful(1);
	int failed = study_run(&st.base, &run, &result, &d);
	interrupts_graceful(0);
	progress_finish(&bar);
	if (failed) {
		status = cli_fail("run", &st, &d, 1);
		fprintf(stderr, _("ccsim run: nothing was written\n"));
		study_close(&st);
		return status;
	}
	cli_warnings(&o, &d);
	if (result.tally->n == 0) {
		fprintf(stderr, _("ccsim run: interrupted before any replication finished; nothing was written\n"));
		run_result_free(&result);
		study_close(&st);
		return interrupts_status();
	}
	const struct scenario *s = st.base.scenario;
	char *json = o.json ? report_json(s, &result, study_variant_policies(&st.base)) : NULL;
	char *csv = o.csv ? report_tables_csv(s, &result) : NULL;
	interrupts_hold(1);
	status = cli_write_outputs(&o, json, csv);
	if (!o.quiet && status == EXIT_OK)
		if (report_print(stdout, s, &result, study_variant_policies(&st.base)) != 0) {
			fprintf(stderr, _("ccsim run: out of memory while printing the summary\n"));
			status = EXIT_INTERNAL;
		}
	if (status == EXIT_OK && !result.complete)
		status = interrupts_status();
	interrupts_hold(0);
	free(json);
	free(csv);
	run_result_free(&result);
	study_close(&st);
	return status;
}
