/*
 * ccsim: the command line over the simulation library.
 *
 * Exit statuses: 0 success, 1 internal error (out of memory, cannot write),
 * 2 bad scenario or usage, 3 plugin error.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_decide.h"
#include "cluster.h"
#include "experiment.h"
#include "plugin.h"
#include "report.h"
#include "report_html.h"
#include "runner.h"
#include "scenario.h"
#include <unistd.h>

/*
 * Ctrl-C. During `run`, the first asks the run to stop at the next
 * replication; otherwise, or the second time, the process ends at once,
 * except while output files are being written: the exit then waits until
 * they are whole (atomic_file.c renames each into place). The signal may
 * reach any thread, OpenMP's workers included, so the handler decides by
 * these flags alone, never by signal masks. The only state outside main().
 */
static volatile sig_atomic_t interrupted;       /* the run was asked to stop */
static volatile sig_atomic_t stop_gracefully;   /* `run`: the first Ctrl-C stops the run */
static volatile sig_atomic_t writing;           /* output files are being written */
static volatile sig_atomic_t exit_after_writing;

static void on_interrupt(int signal)
{
	if (writing) {
		exit_after_writing = 1;
		return;
	}
	if (stop_gracefully && !interrupted) {
		interrupted = 1;
		return;
	}
	_exit(128 + signal);
}

static void catch_interrupts(void)
{
	struct sigaction action;
	memset(&action, 0, sizeof action);
	action.sa_handler = on_interrupt;
	sigemptyset(&action.sa_mask);
	sigaction(SIGINT, &action, NULL);
}

void cli_hold_interrupts(int block)
{
	writing = block;
	if (!block && exit_after_writing)
		_exit(EXIT_INTERRUPTED); /* the files are whole */
}

static const char main_usage[] =
	"Usage: ccsim COMMAND [OPTIONS]\n"
	"\n"
	"Simulates a city's National Civilized City assessment (全国文明城市测评):\n"
	"the pass probability, the score distribution and where the points are lost.\n"
	"\n"
	"Commands:\n"
	"  run SCENARIO          simulate and summarise\n"
	"  check SCENARIO        validate and print the resolved scenario\n"
	"  compare SCENARIO...   variants side by side, paired on the same random numbers\n"
	"  sweep SCENARIO        P(pass) over a 1-D or 2-D grid of parameters\n"
	"  sensitivity SCENARIO  tornado, Morris or Sobol' analysis of the inputs\n"
	"  allocate SCENARIO     spread a policy's budget where it buys most P(pass)\n"
	"  report FILE.json...   one self-contained HTML page of charts (-o FILE)\n"
	"  plugins               list the policy plugins found, with their parameters\n"
	"\n"
	"ccsim COMMAND --help describes a command.\n"
	"  -h, --help        this help\n"
	"  -V, --version     the version of ccsim and of its model\n"
	"\n"
	"Exit status: 0 success, 1 internal error, 2 bad scenario or usage,\n"
	"3 plugin error, 130 interrupted (what was done is written, marked incomplete).\n";

static const char run_usage[] =
	"Usage: ccsim run SCENARIO [--reps N] [--seed S] [--threads T] [--json FILE] [--csv FILE]\n"
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
	"A progress bar shows on a terminal. Ctrl-C stops at the next replication,\n"
	"prints and writes what was done marked as interrupted (\"complete\": false),\n"
	"and exits with 130; a second Ctrl-C ends at once, writing nothing.\n";

static const char check_usage[] =
	"Usage: ccsim check SCENARIO [--set PATH=VALUE]... [--json FILE]\n"
	"\n"
	"Validates SCENARIO, runs its policies' setup, and prints it resolved:\n"
	"every district-and-category parameter after defaults, overrides and\n"
	"policies. Exit 0 when valid; otherwise every problem as FILE:LINE: message\n"
	"and exit 2, or the plugin's error and exit 3.\n"
	"\n"
	"  -j, --json FILE   also write the resolved scenario as JSON (the model's\n"
	"                    every number, for other tools; whole or not at all)\n";

static const char report_usage[] =
	"Usage: ccsim report FILE.json [FILE.json ...] -o report.html\n"
	"\n"
	"Draws the JSON that run, compare, sweep, sensitivity and allocate write\n"
	"with --json as one HTML page of charts that opens in any browser with no\n"
	"network: the Total's histogram with the threshold and bands, P(pass) and\n"
	"its interval, vetoes and failure causes, components, points lost by district\n"
	"and category and who ranks last; variants side by side with the intervals of\n"
	"their differences; sweeps (a heat map in 2-D); tornado, Morris and Sobol'\n"
	"charts; an allocation and the gain of each step.\n"
	"\n"
	"  -o, --output FILE   the page to write (whole or not at all)\n";

static const char plugins_usage[] =
	"Usage: ccsim plugins\n"
	"\n"
	"Lists every policy plugin found, with its description, parameters and\n"
	"defaults, and its hooks. Plugins are looked for in $CCSIM_PLUGIN_PATH\n"
	"(colon-separated directories), then in the installed plugins directory;\n"
	"a scenario's own directory comes first for the commands that run one.\n";

/* Parses a command's options (common ones only); leaves the positional
 * arguments from optind. Returns EXIT_OK, -1 after --help, or an exit status. */
static int parse_common(int argc, char **argv, struct cli_options *o, const char *command,
			const char *usage, struct cluster *cluster)
{
	static const struct option options[] = {CLI_COMMON_OPTIONS, {NULL, 0, NULL, 0}};
	int opt;
	cli_options_init(o);
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORT, options, NULL)) != -1) {
		int status = cli_common_option(o, opt, optarg, command, usage);
		if (status == 1)
			return cli_usage_error(command, "unknown option");
		if (status != 0)
			return status;
	}
	cli_options_join(o, cluster);
	return EXIT_OK;
}

static int command_check(int argc, char **argv, struct cluster *cluster)
{
	struct cli_options o;
	int status = parse_common(argc, argv, &o, "check", check_usage, cluster);
	if (status != EXIT_OK)
		return status < 0 ? EXIT_OK : status;
	if (optind != argc - 1)
		return cli_usage_error("check", "give exactly one scenario file");
	struct prepared p;
	status = prepare_variant(argv[optind], o.settings, o.n_settings, NULL, 0, NULL, NULL, NULL,
				 &p, stderr);
	if (status != EXIT_OK)
		return status;
	/* the sensitivity list's paths and ranges, as `ccsim sensitivity` will use them */
	for (int i = 0; i < p.scenario->n_sensitivity && status == EXIT_OK; i++) {
		const struct sensitivity_input *in = &p.scenario->sensitivity[i];
		for (int end = 0; end < 2 && status == EXIT_OK; end++) {
			struct parameter_setting set = {in->path, end ? in->high : in->low, 0, 0};
			struct prepared q;
			status = prepare_variant(argv[optind], o.settings, o.n_settings, &set, 1, NULL, NULL,
						 NULL, &q, stderr);
			if (status == EXIT_OK)
				prepared_free(&q);
			else
				fprintf(stderr, "%s:%d: sensitivity entry %d: %s = %g cannot be used (above)\n",
					argv[optind], in->line, i + 1, in->path, set.value);
		}
	}
	if (status != EXIT_OK) {
		prepared_free(&p);
		return status;
	}
	if (o.json != NULL) {
		cli_hold_interrupts(1);
		status = cli_write_json(o.json, report_scenario_json(p.scenario), stderr);
		cli_hold_interrupts(0);
		if (status != EXIT_OK) {
			prepared_free(&p);
			return status;
		}
	}
	scenario_print(p.scenario, stdout);
	for (int i = 0; i < p.scenario->n_policies; i++)
		printf("policy %d   %s (%s) applied; cost %g\n", i + 1, plugin_host_name(p.plugins, i),
		       plugin_host_plugin(p.plugins, i), plugin_host_cost(p.plugins, i));
	printf("\n%s is valid.\n", argv[optind]);
	prepared_free(&p);
	return EXIT_OK;
}

static int command_plugins(int argc, char **argv, struct cluster *cluster)
{
	struct cli_options o;
	int status = parse_common(argc, argv, &o, "plugins", plugins_usage, cluster);
	if (status != EXIT_OK)
		return status < 0 ? EXIT_OK : status;
	if (optind != argc)
		return cli_usage_error("plugins", "takes no arguments");
	struct plugin_path path;
	plugin_path_init(&path, NULL);
	int failures = plugin_list(&path, stdout, stderr);
	plugin_path_free(&path);
	return failures ? EXIT_PLUGIN : EXIT_OK;
}

static int command_run(int argc, char **argv, struct cluster *cluster)
{
	struct cli_options o;
	int status = parse_common(argc, argv, &o, "run", run_usage, cluster);
	if (status != EXIT_OK)
		return status < 0 ? EXIT_OK : status;
	if (optind != argc - 1)
		return cli_usage_error("run", "give exactly one scenario file");

	struct prepared p;
	uint64_t seed = o.seed;
	status = prepare_variant(argv[optind], o.settings, o.n_settings, NULL, 0,
				 o.have_seed ? &seed : NULL, NULL, NULL, &p, stderr);
	if (status != EXIT_OK)
		return status;
	struct run_options run = cli_run_options(&o, p.scenario);
	struct progress_bar bar;
	progress_start(&bar, o.quiet);
	run.hooks = plugin_host_hooks(p.plugins);
	run.stop = &interrupted;
	run.progress = progress_update;
	run.progress_context = &bar;
	struct run_result result;
	char error[2048];
	stop_gracefully = 1;
	status = run_simulation(p.scenario, &run, &result, error, sizeof error);
	stop_gracefully = 0;
	progress_finish(&bar);
	if (status != RUN_OK) {
		fprintf(stderr, "%s%s\nccsim run: nothing was written\n",
			status == RUN_PLUGIN_FAILED ? "" : "ccsim run: ", error);
		prepared_free(&p);
		return status; /* the run's statuses are exit statuses */
	}
	if (result.tally->n == 0) {
		fprintf(stderr, "ccsim run: interrupted before any replication finished; nothing was written\n");
		run_result_free(&result);
		prepared_free(&p);
		return EXIT_INTERRUPTED;
	}
	cli_hold_interrupts(1);
	if (o.json != NULL) {
		char *json = report_json(p.scenario, &result, plugin_host_summaries(p.plugins));
		status = json ? cli_write_text(o.json, json, stderr) : EXIT_INTERNAL;
		if (json == NULL)
			fprintf(stderr, "ccsim run: out of memory while writing %s\n", o.json);
		free(json);
	}
	if (o.csv != NULL && status == EXIT_OK) {
		char *csv = report_tables_csv(p.scenario, &result);
		status = csv ? cli_write_text(o.csv, csv, stderr) : EXIT_INTERNAL;
		free(csv);
	}
	cli_hold_interrupts(0);
	if (!o.quiet && status == EXIT_OK)
		report_print(stdout, p.scenario, &result);
	if (status == EXIT_OK && !result.complete)
		status = EXIT_INTERRUPTED;
	run_result_free(&result);
	prepared_free(&p);
	return status;
}

static int command_report(int argc, char **argv, struct cluster *cluster)
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
			fputs(report_usage, stdout);
			return EXIT_OK;
		} else {
			return cli_usage_error("report", "unknown option");
		}
	}
	if (output == NULL)
		return cli_usage_error("report", "give the page to write with -o FILE");
	if (optind == argc)
		return cli_usage_error("report", "give one or more JSON files");
	if (!cluster_writes(cluster))
		return EXIT_OK;
	cli_hold_interrupts(1);
	struct diag d;
	diag_init(&d, "ccsim report");
	int status = report_html_write((const char *const *)&argv[optind], argc - optind, output, &d);
	cli_hold_interrupts(0);
	diag_print(&d, stderr);
	enum diag_kind worst = diag_worst(&d);
	diag_free(&d);
	return status == 0 ? EXIT_OK : worst == DIAG_INPUT ? EXIT_INPUT : EXIT_INTERNAL;
}

/* Runs the command of ARGV; its exit status. */
static int run_command(int argc, char **argv, struct cluster *cluster)
{
	static const struct {
		const char *name;
		int (*run)(int argc, char **argv, struct cluster *cluster);
	} commands[] = {
		{"run", command_run},           {"check", command_check},
		{"plugins", command_plugins},   {"compare", command_compare},
		{"sweep", command_sweep},       {"sensitivity", command_sensitivity},
		{"allocate", command_allocate}, {"report", command_report},
	};
	if (argc < 2) {
		fputs(main_usage, stderr);
		return EXIT_INPUT;
	}
	const char *command = argv[1];
	if (strcmp(command, "-h") == 0 || strcmp(command, "--help") == 0 ||
	    strcmp(command, "help") == 0) {
		fputs(main_usage, stdout);
		return EXIT_OK;
	}
	if (strcmp(command, "-V") == 0 || strcmp(command, "--version") == 0) {
		printf("ccsim %s (model version %d)\n", CCSIM_VERSION, SCENARIO_MODEL_VERSION);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		if (strcmp(command, commands[i].name) == 0) {
			optind = 1; /* each command parses its own argv */
			return commands[i].run(argc - 1, argv + 1, cluster);
		}
	}
	fprintf(stderr, "ccsim: unknown command '%s'\n\n", command);
	fputs(main_usage, stderr);
	return EXIT_INPUT;
}

int main(int argc, char **argv)
{
	struct cluster *cluster = cluster_start(&argc, &argv);
	if (cluster == NULL) {
		fprintf(stderr, "ccsim: out of memory\n");
		return EXIT_INTERNAL;
	}
	catch_interrupts();
	return cluster_finish(cluster, run_command(argc, argv, cluster));
}
