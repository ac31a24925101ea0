/* ccsim report: one self-contained HTML page of charts from JSON results. */
#include <stdio.h>

#include "cli.h"
#include "commands.h"
#include "interrupts.h"
#include "outputs.h"
#include "report_html.h"
#include "i18n.h"

static const char *const report_usage =
	N_("Usage: ccsim report FILE.json [FILE.json ...] -o report.html\n"
	"\n"
	"Draws the JSON that run, compare, sweep, sensitivity and allocate write\n"
	"with --json as one HTML page of charts that opens in any browser with no\n"
	"network: the Total's histogram with the threshold and bands, P(pass) and\n"
	"its interval, vetoes and failure causes, components, points lost by district\n"
	"and category and who ranks last; variants side by side with the intervals of\n"
	"their differences; sweeps (a heat map in 2-D); tornado, Morris and Sobol'\n"
	"charts; an allocation and the gain of each step.\n"
	"\n"
	"  -o, --output FILE   the page to write (whole or not at all)\n");

int command_report(int argc, char **argv, struct cluster *cluster)
{
	static const struct option options[] = {{"output", required_argument, NULL, 'o'},
						{"help", no_argument, NULL, 'h'},
						{NULL, 0, NULL, 0}};
	const char *output = NULL;
	int opt;
	while ((opt = getopt_long(argc, argv, "o:h", options, NULL)) != -1) {
		if (opt == 'o') {
			output = optarg;
		} else if (opt == 'h') {
			fputs(_(report_usage), stdout);
			return EXIT_OK;
		} else {
			return cli_usage_error("report", _("unknown option"));
		}
	}
	if (output == NULL)
		return cli_usage_error("report", _("give the page to write with -o FILE"));
	if (optind == argc)
		return cli_usage_error("report", _("give one or more JSON files"));
	if (!cluster_writes(cluster))
		return EXIT_OK;
	const char *const *inputs = (const char *const *)&argv[optind];
	int status = outputs_check_paths("report", &output, 1, inputs, argc - optind);
	if (status != EXIT_OK)
		return status;
	struct diag d;
	diag_init(&d, _("ccsim report"));
	interrupts_hold(1);
	int failed = report_html_write(inputs, argc - optind, output, &d);
	interrupts_hold(0);
	if (failed)
		return cli_fail("report", NULL, &d, 0);
	diag_print(&d, stderr); /* warnings */
	diag_free(&d);
	return EXIT_OK;
}
