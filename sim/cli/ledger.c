/*
 * ccsim ledger: the office's problem ledger (问题台账), one row per problem,
 * turned into the weekly reports that ccsim calibrate reads.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "commands.h"
#include "interrupts.h"
#include "ledger.h"
#include "outputs.h"
#include "i18n.h"

static const char *const ledger_usage =
	N_("Usage: ccsim ledger LEDGER.csv --start DATE [--weeks N] -o REPORTS.csv [--quiet]\n"
	"\n"
	"Turns the problem ledger (问题台账: one row per problem with the columns district,\n"
	"category, found, fixed, reopened, or 区, 类别, 发现日期, 整改日期, 反弹日期; dates\n"
	"as YYYY-MM-DD, YYYY/M/D or YYYY年M月D日, fixed and reopened may be empty) into\n"
	"weekly reports for ccsim calibrate: per district, category and week the\n"
	"problems found, fixed, rebounded and still open at the week's end.\n"
	"\n"
	"Week 1 is the seven days from DATE. A reopening in the week after its fix is\n"
	"a rebound, a later one a new problem; a problem found and fixed within one\n"
	"week is never open at a week's end and is not counted; problems open on the\n"
	"eve of DATE are week 1's opening count (README: \"Calibrating from weekly\n"
	"reports\" has every rule).\n"
	"\n"
	"  -o, --output FILE   the weekly reports to write (whole or not at all)\n"
	"      --start DATE    the first day of week 1\n"
	"      --weeks N       the number of weeks (default: through the latest date)\n"
	"  -q, --quiet         print nothing but problems\n");

int command_ledger(int argc, char **argv, struct cluster *cluster)
{
	static const struct option options[] = {
		{"output", required_argument, NULL, 'o'}, {"start", required_argument, NULL, 'S'},
		{"weeks", required_argument, NULL, 'w'},  {"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
	const char *output = NULL, *start_text = NULL;
	int weeks = 0, quiet = 0, opt;
	unsigned long long value;
	long start = 0;
	while ((opt = getopt_long(argc, argv, "o:qh", options, NULL)) != -1) {
		switch (opt) {
		case 'o': output = optarg; break;
		case 'q': quiet = 1; break;
		case 'S':
			start_text = optarg;
			if (ledger_parse_date(optarg, &start) != 0) {
				char shown[4 * CSV_TABLE_SHOWN + 4], why[200], message[600];
				snprintf(message, sizeof message, _("--start '%s' is not a date: %s"),
					 csv_table_shown(optarg, shown, sizeof shown),
					 ledger_date_why(optarg, why, sizeof why));
				return cli_usage_error("ledger", message);
			}
			break;
		case 'w':
			if (cli_parse_count(optarg, 1, (unsigned long long)LIMIT_WEEKS, &value) != 0)
				return cli_usage_error("ledger", _("--weeks takes a whole number from 1 to 10000"));
			weeks = (int)value;
			break;
		case 'h':
			fputs(_(ledger_usage), stdout);
			return EXIT_OK;
		default:
			return cli_usage_error("ledger", _("unknown option"));
		}
	}
	if (output == NULL)
		return cli_usage_error("ledger", _("give the weekly reports to write with -o FILE"));
	if (start_text == NULL)
		return cli_usage_error("ledger", _("give the first day of week 1 with --start DATE"));
	if (argc - optind != 1)
		return cli_usage_error("ledger", _("give one ledger file"));
	const char *file = argv[optind];
	if (!cluster_writes(cluster))
		return EXIT_OK;
	int status = outputs_check_paths("ledger", &output, 1, &file, 1);
	if (status != EXIT_OK)
		return status;
	struct diag d;
	diag_init(&d, file);
	char *csv = NULL;
	struct ledger_summary summary;
	if (ledger_read(file, start, weeks, &csv, &summary, &d) != 0) {
		int errors = diag_errors(&d);
		status = cli_fail("ledger", NULL, &d, 0);
		if (status == EXIT_INPUT)
			fprintf(stderr, ngettext("ccsim ledger: %d problem in %s; no reports written\n",
						 "ccsim ledger: %d problems in %s; no reports written\n",
						 (unsigned long)errors), errors, file);
		return status;
	}
	diag_print(&d, stderr); /* warnings */
	interrupts_hold(1);
	status = cli_write_text(output, csv, stderr);
	if (status == EXIT_OK && !quiet) {
		char first[16], last[16];
		ledger_format_date(start, first);
		ledger_format_date(start + 7L * summary.weeks - 1, last);
		printf(_("Read %d problems from %s: %d open at some week's end, %d never (found after\n"
		       "%s, closed before %s, or found and fixed within one week).\n"
		       "Wrote %s: %d districts-and-categories x %d weeks (%s to %s).\n"),
		       summary.problems, file, summary.counted, summary.outside, last, first, output,
		       summary.cells, summary.weeks, first, last);
	}
	interrupts_hold(0);
	diag_free(&d);
	free(csv);
	return status;
}
