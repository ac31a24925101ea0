/*
 * ccsim: the command line over the simulation library.
 *
 * Exit statuses: 0 success, 1 internal error (out of memory, cannot write),
 * 2 bad scenario or usage, 3 plugin error.
 */
#include <errno.h>
#include <getopt.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "diag.h"
#include "plugin.h"
#include "report.h"
#include "runner.h"
#include "scenario.h"

enum exit_status { EXIT_OK = 0, EXIT_INTERNAL = 1, EXIT_INPUT = 2, EXIT_PLUGIN = 3 };

#define DEFAULT_REPLICATIONS 100000
#define DEFAULT_SEED 20261122
#define MAX_THREADS 1024

static const char main_usage[] =
	"Usage: ccsim COMMAND [OPTIONS]\n"
	"\n"
	"Simulates a city's National Civilized City assessment (全国文明城市测评):\n"
	"the pass probability, the score distribution and where the points are lost.\n"
	"\n"
	"Commands:\n"
	"  run SCENARIO      simulate and summarise (ccsim run --help)\n"
	"  check SCENARIO    validate and print the resolved scenario\n"
	"  plugins           list the policy plugins found, with their parameters\n"
	"\n"
	"Options:\n"
	"  -h, --help        this help; ccsim COMMAND --help for a command's\n"
	"  -V, --version     the version of ccsim and of its model\n"
	"\n"
	"Exit status: 0 success, 1 internal error, 2 bad scenario or usage,\n"
	"3 plugin error.\n";

static const char run_usage[] =
	"Usage: ccsim run SCENARIO [--reps N] [--seed S] [--threads T] [--json FILE] [--quiet]\n"
	"\n"
	"Simulates SCENARIO and prints the pass probability with its 95 % Wilson\n"
	"interval, veto probabilities, score quantiles, component means, the\n"
	"districts and site categories that lose the most points, and the\n"
	"rectification rate. The scenario's run: { replications; seed; } are\n"
	"defaults that the flags override.\n"
	"\n"
	"  -n, --reps N       replications (default: run.replications, else 100000)\n"
	"  -s, --seed S       seed, 0 to 2^64-1 (default: run.seed, else 20261122)\n"
	"  -t, --threads T    OpenMP threads (default: all cores); the results do\n"
	"                     not depend on it\n"
	"  -j, --json FILE    write the full results as JSON to FILE (whole or not\n"
	"                     at all)\n"
	"  -q, --quiet        print nothing but errors\n"
	"  -h, --help         this help\n";

static const char check_usage[] =
	"Usage: ccsim check SCENARIO\n"
	"\n"
	"Validates SCENARIO, runs its policies' setup, and prints it resolved:\n"
	"every district-and-category parameter after defaults, overrides and\n"
	"policies. Exit 0 when valid; otherwise every problem as FILE:LINE: message\n"
	"and exit 2, or the plugin's error and exit 3.\n";

static const char plugins_usage[] =
	"Usage: ccsim plugins\n"
	"\n"
	"Lists every policy plugin found, with its description, parameters and\n"
	"defaults, and its hooks. Plugins are looked for in $CCSIM_PLUGIN_PATH\n"
	"(colon-separated directories), then in the installed plugins directory;\n"
	"a scenario's own directory comes first for run and check.\n";

/* Parses a whole decimal number in [LO, HI]; returns 0 on success. */
static int parse_count(const char *text, unsigned long long lo, unsigned long long hi,
		       unsigned long long *out)
{
	char *end;
	if (text[0] == '\0' || text[0] == '-' || text[0] == '+')
		return -1;
	errno = 0;
	unsigned long long value = strtoull(text, &end, 10);
	if (errno != 0 || *end != '\0' || value < lo || value > hi)
		return -1;
	*out = value;
	return 0;
}

/*
 * Loads PATH and runs its policies' setup (SEED keys their random draws),
 * printing every problem. Returns EXIT_OK with *SCENARIO and *HOST set, or
 * the exit status of the failure.
 */
static int load_or_report(const char *path, const uint64_t *seed, struct scenario **scenario,
			  struct plugin_host **host)
{
	struct diag d;
	diag_init(&d, path);
	*scenario = scenario_load_file(path, &d);
	*host = NULL;
	int status = *scenario ? EXIT_OK : EXIT_INPUT;
	if (status == EXIT_OK) {
		struct plugin_path plugins;
		char error[4096];
		enum plugin_status plugin_status;
		uint64_t setup_seed = seed ? *seed : ((*scenario)->has_seed ? (*scenario)->seed : DEFAULT_SEED);
		plugin_path_init(&plugins, path);
		*host = plugin_host_new(*scenario, &plugins, setup_seed, &d, error, sizeof error,
					&plugin_status);
		plugin_path_free(&plugins);
		if (*host == NULL) {
			status = plugin_status == PLUGIN_BAD_SCENARIO ? EXIT_INPUT
				 : plugin_status == PLUGIN_FAILED     ? EXIT_PLUGIN
								      : EXIT_INTERNAL;
			if (status == EXIT_PLUGIN)
				fprintf(stderr, "%s\n", error);
			scenario_free(*scenario);
			*scenario = NULL;
		}
	}
	if (d.count > 0) {
		diag_print(&d, stderr);
		fprintf(stderr, "ccsim: %d problem%s in %s; nothing was simulated\n", d.count,
			d.count == 1 ? "" : "s", path);
	} else if (status == EXIT_PLUGIN) {
		fprintf(stderr, "ccsim: a policy plugin failed; nothing was simulated\n");
	}
	diag_free(&d);
	return status;
}

static int usage_error(const char *command, const char *message)
{
	fprintf(stderr, "ccsim %s: %s\nTry 'ccsim %s --help'.\n", command, message, command);
	return EXIT_INPUT;
}

static int command_check(int argc, char **argv)
{
	static const struct option options[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	int opt;
	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		if (opt == 'h') {
			fputs(check_usage, stdout);
			return EXIT_OK;
		}
		return usage_error("check", "unknown option");
	}
	if (optind != argc - 1)
		return usage_error("check", "give exactly one scenario file");
	struct scenario *s;
	struct plugin_host *host;
	int status = load_or_report(argv[optind], NULL, &s, &host);
	if (status != EXIT_OK)
		return status;
	scenario_print(s, stdout);
	for (int i = 0; i < s->n_policies; i++)
		printf("policy %d   %s (%s) applied; cost %g\n", i + 1, plugin_host_name(host, i),
		       plugin_host_plugin(host, i), plugin_host_cost(host, i));
	printf("\n%s is valid.\n", argv[optind]);
	plugin_host_free(host);
	scenario_free(s);
	return EXIT_OK;
}

static int command_plugins(int argc, char **argv)
{
	static const struct option options[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	int opt;
	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		if (opt == 'h') {
			fputs(plugins_usage, stdout);
			return EXIT_OK;
		}
		return usage_error("plugins", "unknown option");
	}
	if (optind != argc)
		return usage_error("plugins", "takes no arguments");
	struct plugin_path path;
	plugin_path_init(&path, NULL);
	int failures = plugin_list(&path, stdout, stderr);
	plugin_path_free(&path);
	return failures ? EXIT_PLUGIN : EXIT_OK;
}

static int command_run(int argc, char **argv)
{
	static const struct option options[] = {
		{"reps", required_argument, NULL, 'n'},   {"seed", required_argument, NULL, 's'},
		{"threads", required_argument, NULL, 't'}, {"json", required_argument, NULL, 'j'},
		{"quiet", no_argument, NULL, 'q'},        {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	const char *json_path = NULL;
	int quiet = 0, have_reps = 0, have_seed = 0;
	unsigned long long reps = 0, seed = 0, threads = (unsigned long long)omp_get_num_procs();
	int opt;

	while ((opt = getopt_long(argc, argv, "n:s:t:j:qh", options, NULL)) != -1) {
		switch (opt) {
		case 'n':
			if (parse_count(optarg, 1, 1ULL << 53, &reps) != 0)
				return usage_error("run", "--reps takes a whole number from 1 to 2^53");
			have_reps = 1;
			break;
		case 's':
			if (parse_count(optarg, 0, ~0ULL, &seed) != 0)
				return usage_error("run", "--seed takes a whole number from 0 to 2^64-1");
			have_seed = 1;
			break;
		case 't':
			if (parse_count(optarg, 1, MAX_THREADS, &threads) != 0)
				return usage_error("run", "--threads takes a whole number from 1 to 1024");
			break;
		case 'j':
			json_path = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			fputs(run_usage, stdout);
			return EXIT_OK;
		default:
			return usage_error("run", "unknown option");
		}
	}
	if (optind != argc - 1)
		return usage_error("run", "give exactly one scenario file");

	struct scenario *s;
	struct plugin_host *host;
	uint64_t flag_seed = seed;
	int status = load_or_report(argv[optind], have_seed ? &flag_seed : NULL, &s, &host);
	if (status != EXIT_OK)
		return status;

	struct run_options run = {
		.seed = have_seed ? seed : (s->has_seed ? s->seed : DEFAULT_SEED),
		.replications = have_reps ? (int64_t)reps
					  : (s->has_replications ? s->replications : DEFAULT_REPLICATIONS),
		.threads = (int)threads,
		.plugins = host,
	};
	struct run_result result;
	char error[2048];
	status = run_simulation(s, &run, &result, error, sizeof error);
	if (status != RUN_OK) {
		fprintf(stderr, "%s%s\nccsim run: nothing was written\n",
			status == RUN_PLUGIN_FAILED ? "" : "ccsim run: ", error);
		plugin_host_free(host);
		scenario_free(s);
		return status == RUN_PLUGIN_FAILED ? EXIT_PLUGIN : EXIT_INTERNAL;
	}

	if (json_path != NULL) {
		char *json = report_json(s, &result, host);
		if (json == NULL) {
			fprintf(stderr, "ccsim run: out of memory while writing %s\n", json_path);
			status = EXIT_INTERNAL;
		} else if (atomic_write(json_path, json, strlen(json), error, sizeof error) != 0) {
			fprintf(stderr, "ccsim run: %s\n", error);
			status = EXIT_INTERNAL;
		}
		free(json);
	}
	if (!quiet && status == EXIT_OK)
		report_print(stdout, s, &result);
	run_result_free(&result);
	plugin_host_free(host);
	scenario_free(s);
	return status;
}

int main(int argc, char **argv)
{
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
	/* Each command parses its own options from its own argv. */
	optind = 1;
	if (strcmp(command, "run") == 0)
		return command_run(argc - 1, argv + 1);
	if (strcmp(command, "check") == 0)
		return command_check(argc - 1, argv + 1);
	if (strcmp(command, "plugins") == 0)
		return command_plugins(argc - 1, argv + 1);
	fprintf(stderr, "ccsim: unknown command '%s'\n\n", command);
	fputs(main_usage, stderr);
	return EXIT_INPUT;
}
