/*
 * ccsim: the command line over the simulation library.
 *
 * Exit statuses: 0 success, 1 internal error (out of memory, cannot write),
 * 2 bad scenario or usage, 3 plugin error, 128 + a signal's number when
 * interrupted. They are decided in sim/cli alone.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cluster.h"
#include "commands.h"
#include "i18n.h"
#include "interrupts.h"
#include "scenario.h"

static const char *const main_usage =
	N_("Usage: ccsim COMMAND [OPTIONS]\n"
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
	"  optimize SCENARIO     spend a budget across levers where it buys most P(pass)\n"
	"  allocate SCENARIO     spread a policy's budget where it buys most P(pass)\n"
	"  solve SCENARIO        the value of a parameter at which P(pass) reaches a target\n"
	"  report FILE.json...   one self-contained HTML page of charts (-o FILE)\n"
	"  plugins               list the policy plugins found, with their parameters\n"
	"  calibrate SCENARIO REPORTS.csv  rates estimated from the weekly reports (-o FILE)\n"
	"  ledger LEDGER.csv     the problem ledger as weekly reports (--start DATE -o FILE)\n"
	"\n"
	"ccsim COMMAND --help describes a command.\n"
	"  -h, --help        this help\n"
	"  -V, --version     the version of ccsim and of its model\n"
	"      --lang zh|en  the language of messages, tables and CSV headings, with\n"
	"                    every command (default: from the environment, LC_ALL or LANG)\n"
	"\n"
	"Exit status: 0 success, 1 internal error, 2 bad scenario or usage,\n"
	"3 plugin error, 130 interrupted by Ctrl-C (143 SIGTERM, 129 SIGHUP; what was done\n"
	"is written, marked incomplete).\n");

/* The commands, in the order the usage lists them. */
static const struct {
	const char *name;
	int (*run)(int argc, char **argv, struct cluster *cluster);
} commands[] = {
	{"run", command_run},           {"check", command_check},
	{"compare", command_compare},   {"sweep", command_sweep},
	{"sensitivity", command_sensitivity}, {"allocate", command_allocate},
	{"solve", command_solve},       {"optimize", command_optimize},
	{"report", command_report},     {"plugins", command_plugins},
	{"calibrate", command_calibrate}, {"ledger", command_ledger},
};

/* Runs the command of ARGV; its exit status. */
static int run_command(int argc, char **argv, struct cluster *cluster)
{
	if (argc < 2) {
		fputs(_(main_usage), stderr);
		return EXIT_INPUT;
	}
	const char *command = argv[1];
	if (strcmp(command, "-h") == 0 || strcmp(command, "--help") == 0 ||
	    strcmp(command, "help") == 0) {
		fputs(_(main_usage), stdout);
		return EXIT_OK;
	}
	if (strcmp(command, "-V") == 0 || strcmp(command, "--version") == 0) {
		printf(_("ccsim %s (model version %d)\n"), CCSIM_VERSION, SCENARIO_MODEL_VERSION);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		if (strcmp(command, commands[i].name) == 0) {
			optind = 1; /* each command parses its own argv */
			return commands[i].run(argc - 1, argv + 1, cluster);
		}
	}
	fprintf(stderr, _("ccsim: unknown command '%s'\n\n"), command);
	fputs(_(main_usage), stderr);
	return EXIT_INPUT;
}

/*
 * Takes --lang LANG (or --lang=LANG) out of ARGV wherever it stands, and
 * sets the language from it or from the environment. Returns 0, or -1
 * after a message when LANG names no language ccsim speaks.
 */
static int take_language(int *argc, char **argv)
{
	const char *lang = NULL;
	int kept = 1;
	for (int i = 1; i < *argc; i++) {
		if (strcmp(argv[i], "--lang") == 0 && i + 1 < *argc) {
			lang = argv[++i];
			continue;
		}
		if (strncmp(argv[i], "--lang=", 7) == 0) {
			lang = argv[i] + 7;
			continue;
		}
		argv[kept++] = argv[i];
	}
	*argc = kept;
	argv[kept] = NULL;
#ifndef CCSIM_BUILD_LOCALE_DIR
#define CCSIM_BUILD_LOCALE_DIR NULL
#endif
	if (i18n_setup(lang, CCSIM_BUILD_LOCALE_DIR) < 0) {
		fprintf(stderr, _("ccsim: --lang %s: the languages are zh (简体中文) and en\n"), lang);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct cluster *cluster = cluster_start(&argc, &argv);
	if (cluster == NULL) {
		fprintf(stderr, _("ccsim: out of memory\n"));
		return EXIT_INTERNAL;
	}
	if (take_language(&argc, argv) != 0)
		return cluster_finish(cluster, EXIT_INPUT);
	interrupts_catch();
	return cluster_finish(cluster, run_command(argc, argv, cluster));
}
