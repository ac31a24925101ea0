/*
 * ccsim calibrate: the model's weekly rates estimated from the office's
 * weekly reports, written as an overlay of the scenario.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calibrate.h"
#include "calibrate_json.h"
#include "cli.h"
#include "commands.h"
#include "i18n.h"
#include "interrupts.h"
#include "outputs.h"
#include "overlay.h"
#include "reports.h"
#include "report.h"
#include "table.h"

static const char *const calibrate_usage =
	N_("Usage: ccsim calibrate SCENARIO REPORTS.csv -o OVERLAY.cfg [--pool] [--point]\n"
	"                       [--json FILE] [--csv FILE] [--seed N] [--draws N] [--threads N]\n"
	"                       [--quiet]\n"
	"\n"
	"Estimates each district's weekly rates from the office's weekly reports (创文周报):\n"
	"one row per week, district and category with the columns district, category,\n"
	"week, found, fixed, rebounded, open (or 区, 类别, 周, 新发现, 已整改, 反弹, 未整改),\n"
	"comma- or tab-separated, UTF-8 (with or without BOM) or GB18030. Every row must\n"
	"keep open = last week's open - fixed + rebounded + found; every row that does\n"
	"not is reported with its line, and nothing is written (exit 2).\n"
	"\n"
	"Writes OVERLAY.cfg, to read on top of the scenario (ccsim run SCENARIO+OVERLAY.cfg):\n"
	"per district and category reported, problems = the last week's open count and\n"
	"rectify_rate, rebound, new_per_week = the posterior means, with each posterior\n"
	"as an uncertain input. Prints the estimates with 95 % intervals and the fit\n"
	"check: the share of weeks whose open count falls in the 90 % predictive band\n"
	"(a cell under 70 % is flagged: its problems do not follow the model).\n"
	"\n"
	"  -o, --output FILE   the overlay to write (whole or not at all)\n"
	"      --pool          fit each category's prior to all its districts (empirical\n"
	"                      Bayes): a district with few problems borrows from the others\n"
	"      --point         point estimates only: no uncertain entries in the overlay\n"
	"  -j, --json FILE     the estimates, intervals, priors and fit check as JSON\n"
	"  -c, --csv FILE      the estimates as CSV, one row per district and category\n"
	"      --excel         the CSV with a byte-order mark, for Excel and WPS (always\n"
	"                      in Chinese)\n"
	"  -s, --seed N        the fit check's seed (default: the scenario's run.seed)\n"
	"      --draws N       the fit check's simulated paths per district and category\n"
	"                      (default 100; 20 to 100000)\n"
	"  -t, --threads N     threads for the fit check (default: every core)\n"
	"  -q, --quiet         print nothing but problems\n");

struct calibrate_args {
	const char *output, *json, *csv;
	int pool, point, quiet, have_seed, threads, draws, excel;
	uint64_t seed;
};

/* Parses the flags into A; EXIT_OK, -1 after --help, or an exit status. */
static int parse(int argc, char **argv, struct calibrate_args *a)
{
	static const struct option options[] = {
		{"output", required_argument, NULL, 'o'}, {"pool", no_argument, NULL, 'p'},
		{"point", no_argument, NULL, 'P'},        {"json", required_argument, NULL, 'j'},
		{"csv", required_argument, NULL, 'c'},    {"seed", required_argument, NULL, 's'},
		{"threads", required_argument, NULL, 't'}, {"quiet", no_argument, NULL, 'q'},
		{"draws", required_argument, NULL, 'D'},   {"excel", no_argument, NULL, 'E'},
		{"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
	int opt;
	unsigned long long value;
	while ((opt = getopt_long(argc, argv, "o:j:c:s:t:qh", options, NULL)) != -1) {
		switch (opt) {
		case 'o': a->output = optarg; break;
		case 'p': a->pool = 1; break;
		case 'P': a->point = 1; break;
		case 'j': a->json = optarg; break;
		case 'c': a->csv = optarg; break;
		case 'q': a->quiet = 1; break;
		case 'E': a->excel = 1; break;
		case 's':
			if (cli_parse_count(optarg, 0, 9223372036854775807ULL, &value) != 0)
				return cli_usage_error("calibrate", _("--seed takes a whole number from 0 to 2^63-1"));
			a->seed = value, a->have_seed = 1;
			break;
		case 'D':
			if (cli_parse_count(optarg, CALIBRATE_MIN_DRAWS, 100000, &value) != 0)
				return cli_usage_error("calibrate", _("--draws takes a whole number from 20 to 100000"));
			a->draws = (int)value;
			break;
		case 't':
			if (cli_parse_count(optarg, 1, LIMIT_THREADS, &value) != 0)
				return cli_usage_error("calibrate", _("--threads takes a whole number from 1 to 1024"));
			a->threads = (int)value;
			break;
		case 'h':
			fputs(_(calibrate_usage), stdout);
			return -1;
		default:
			return cli_usage_error("calibrate", _("unknown option"));
		}
	}
	if (a->output == NULL)
		return cli_usage_error("calibrate", _("give the overlay to write with -o FILE"));
	if (argc - optind != 2)
		return cli_usage_error("calibrate", _("give the scenario and the weekly reports"));
	return EXIT_OK;
}

/* "WAS -> NOW [LOW, HIGH]" of a rate's posterior. */
static void rate_cell(char *out, size_t size, const struct rate_posterior *p, double was)
{
	snprintf(out, size, "%.3f -> %.3f [%.3f, %.3f]", was, p->mean, p->low, p->high);
}

/* Prints T (NULL: memory ran out for it) and frees it. */
static void print_table(struct table *t)
{
	if (t == NULL)
		fputs(_("(out of memory: the table could not be made)\n"), stdout);
	else
		table_print(t, stdout, 0);
	table_free(t);
}

/* A table of the headers HEADERS, the first two left-aligned (names). */
static struct table *new_table(int columns, const char *const *headers, int names)
{
	struct table *t = table_new(columns);
	for (int c = 0; t != NULL && c < columns; c++)
		table_column(t, c, headers[c], c < names ? TABLE_LEFT : TABLE_RIGHT, 0);
	return t;
}

static void print_summary(const struct scenario *s, const struct reports *r, const struct calibration *c,
			  const char *reports, const char *scenario, const char *overlay)
{
	printf(r->delimiter == '\t'
		       ? _("Calibrated %s from %d rows of %s (%s, tab-separated), weeks %d to %d:\n"
			   "%d districts-and-categories; prior %s.\n\n")
		       : _("Calibrated %s from %d rows of %s (%s, comma-separated), weeks %d to %d:\n"
			   "%d districts-and-categories; prior %s.\n\n"),
	       s->name, c->n_rows, reports, r->encoding, c->first_week, c->last_week, c->n_cells,
	       c->pooled ? _("fitted per category (below)")
			 : _("Beta(1, 1) for the rates, Gamma(0.5, 0) for new problems"));
	const char *headers[] = {_("district"), _("category"), _("weeks"),
				 _("rectify_rate: was -> now [95 %]"), _("rebound: was -> now [95 %]"),
				 _("new_per_week: was -> now [95 %]"), _("open"), _("fit")};
	struct table *t = new_table(8, headers, 2);
	for (int i = 0; t != NULL && i < c->n_cells; i++) {
		const struct cell_estimate *e = &c->cells[i];
		char rectify[96], rebound[96];
		rate_cell(rectify, sizeof rectify, &e->rectify, e->was.rectify_rate);
		rate_cell(rebound, sizeof rebound, &e->rebound, e->was.rebound);
		table_rowf(t, "%s\t%s\t%d\t%s\t%s\t%.2f -> %.2f [%.2f, %.2f]\t%lld\t%.0f %%%s",
			   s->districts[e->district].name, s->categories[e->category].name, e->weeks,
			   rectify, rebound, e->was.new_per_week, e->arrivals.mean, e->arrivals.low,
			   e->arrivals.high, (long long)e->open_last, 100 * e->share,
			   e->flagged ? " !" : "");
	}
	print_table(t);
	if (c->pooled) {
		printf(_("\nPriors fitted per category (maximum beta-binomial likelihood):\n"));
		const char *prior_headers[] = {_("category"), _("rectify_rate: Beta(a0, b0), mean"),
					       _("rebound: Beta(a0, b0), mean")};
		struct table *p = new_table(3, prior_headers, 1);
		for (int k = 0; p != NULL && k < s->n_categories; k++) {
			const struct pooling_fit *f[2] = {&c->rectify_prior[k], &c->rebound_prior[k]};
			if (!f[0]->fitted && !f[1]->fitted)
				continue;
			char cells[2][128];
			for (int j = 0; j < 2; j++)
				snprintf(cells[j], sizeof cells[j], "Beta(%.3g, %.3g), %.3f%s", f[j]->alpha,
					 f[j]->beta, f[j]->alpha / (f[j]->alpha + f[j]->beta),
					 f[j]->capped ? _(" (a0+b0 capped)") : "");
			table_rowf(p, "%s\t%s\t%s", s->categories[k].name, cells[0], cells[1]);
		}
		print_table(p);
	}
	printf(_("\nFit check: %d of %d districts-and-categories have at least %.0f %% of their weeks "
		 "inside the %d %% predictive band.\n"),
	       c->n_cells - c->flagged, c->n_cells, 100 * CALIBRATE_FLAG_BELOW, CALIBRATE_BAND_PERCENT);
	for (int i = 0; i < c->n_cells; i++) {
		const struct cell_estimate *e = &c->cells[i];
		if (e->flagged)
			printf(_("  flagged: %s %s, %d of %d weeks inside (%.0f %%): its problems do not follow "
				 "the model (a trend? a change in reporting?)\n"),
			       s->districts[e->district].name, s->categories[e->category].name, e->inside,
			       e->weeks, 100 * e->share);
	}
	printf(_("\nWrote %s: ccsim run %s+%s\n"), overlay, scenario, overlay);
}

int command_calibrate(int argc, char **argv, struct cluster *cluster)
{
	struct calibrate_args a = {0};
	int status = parse(argc, argv, &a);
	if (status != EXIT_OK)
		return status < 0 ? EXIT_OK : status;
	const char *scenario = argv[optind], *reports = argv[optind + 1];
	if (!cluster_writes(cluster))
		return EXIT_OK;
	const char *outputs[3] = {a.output, a.json, a.csv};
	const char *inputs[2] = {scenario, reports};
	if ((status = outputs_check_paths("calibrate", outputs, 3, inputs, 2)) != EXIT_OK)
		return status;

	struct diag d;
	diag_init(&d, scenario);
	struct scenario_source *src = scenario_source_read(scenario, &d);
	if (src == NULL)
		return cli_fail("calibrate", NULL, &d, 0);
	if ((status = outputs_check_read("calibrate", outputs, 3, src)) != EXIT_OK) {
		scenario_source_free(src);
		diag_free(&d);
		return status;
	}
	struct scenario *s = scenario_source_resolve(src, NULL, 0, &d);
	scenario_source_free(src);
	if (s == NULL)
		return cli_fail("calibrate", NULL, &d, 0);
	diag_print(&d, stderr); /* warnings */
	diag_free(&d);

	diag_init(&d, reports);
	struct reports r;
	if (reports_read(reports, s, &r, &d) != 0) {
		int errors = diag_errors(&d);
		status = cli_fail("calibrate", NULL, &d, 0);
		if (status == EXIT_INPUT)
			fprintf(stderr, ngettext("ccsim calibrate: %d problem in %s; no overlay written\n",
						 "ccsim calibrate: %d problems in %s; no overlay written\n",
						 (unsigned long)errors), errors, reports);
		scenario_free(s);
		return status;
	}
	struct calibrate_options options = {
		.pool = a.pool,
		.seed = a.have_seed ? a.seed : s->has_seed ? s->seed : CALIBRATE_SEED,
		.draws = a.draws,
		.threads = a.threads};
	struct calibration c;
	char *overlay = NULL, *json = NULL, *csv = NULL;
	if (calibrate_estimate(s, &r, &options, &c, &d) != 0 ||
	    overlay_text(s, &c, a.point, &overlay, &d) != 0) {
		status = cli_fail("calibrate", NULL, &d, 1);
		goto done;
	}
	if (a.json != NULL) {
		struct calibrate_files files = {scenario, reports, a.output, a.point};
		json = report_json_text(calibrate_json(s, &r, &c, &files)); /* releases it */
	}
	if (a.csv != NULL)
		csv = calibrate_csv(s, &c);
	if ((a.json != NULL && json == NULL) || (a.csv != NULL && csv == NULL)) {
		diag_no_memory(&d, _("writing the documents"));
		status = cli_fail("calibrate", NULL, &d, 1);
		goto done;
	}
	diag_print(&d, stderr); /* warnings: rates the reports do not inform */
	/* the overlay last: a failure before it leaves no new overlay to run on */
	interrupts_hold(1);
	if (a.json != NULL)
		status = cli_write_text(a.json, json, stderr);
	if (status == EXIT_OK && a.csv != NULL)
		status = cli_write_csv(a.csv, csv, a.excel);
	if (status == EXIT_OK)
		status = cli_write_text(a.output, overlay, stderr);
	if (status == EXIT_OK && !a.quiet)
		print_summary(s, &r, &c, reports, scenario, a.output);
	interrupts_hold(0);
	diag_free(&d);
done:
	free(overlay);
	free(json);
	free(csv);
	calibrate_free(&c);
	reports_free(&r);
	scenario_free(s);
	return status;
}
