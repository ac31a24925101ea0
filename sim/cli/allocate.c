/* ccsim allocate: a policy's budget spread where it buys most P(pass): optimize
 * with one lever of unit cost 1, every district starting at 0. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "commands.h"
#include "i18n.h"
#include "optimize_cli.h"
#include "outputs.h"

static const char *const allocate_usage =
	N_("Usage: ccsim allocate SCENARIO --policy N --param KEY --budget B [--step S] [options]\n"
	"\n"
	"Spreads a budget of policy N's parameter KEY (officers, road chiefs, ...)\n"
	"across the policy's target districts, S at a time, each step to the\n"
	"district where it raises P(pass) the most (ties by mean Total), measured\n"
	"against the allocation so far on the same random numbers. Each district\n"
	"gets its own copy of the policy with KEY set to its share, from 0. This is\n"
	"ccsim optimize with one lever of unit cost 1: each step's choice takes\n"
	"replications from --reps up to --max-reps until it is separated, and the\n"
	"final allocation is evaluated on fresh replications against none and an\n"
	"even spread.\n"
	"\n"
	"  -o, --policy N          the policy, 1 for the first in the scenario's list\n"
	"  -k, --param KEY         the plugin parameter to spread\n"
	"  -B, --budget B          the whole budget\n"
	"  -e, --step S            the amount of one step (default: the budget / 10)\n"
	"  -n, --reps N            replications a step starts with (default 5000)\n"
	"  -M, --max-reps N        the most a step may use (default 8 times --reps)\n"
	"  -i, --indifference D    the indifference zone in P(pass) (default 0.001)\n"
	"  -H, --holdout-reps N    fresh replications for the allocation (default 20000; 0 none)\n"
	"  -S, --set PATH=V   -s, --seed S   -t, --threads T   -j, --json FILE\n"
	"  -c, --csv FILE     -q, --quiet\n");

#define ALLOCATE_DEFAULT_REPS 5000
#define ALLOCATE_DEFAULT_HOLDOUT 20000

struct flags {
	unsigned long long policy;
	const char *key;
	double budget, step, indifference;
	long long holdout;
};

/* A number in (0, HI] from TEXT, else -1. */
static int positive(const char *text, double hi, double *out)
{
	char *end;
	double value = strtod(text, &end);
	if (end == text || *end != '\0' || !(value > 0.0 && value <= hi))
		return -1;
	*out = value;
	return 0;
}

static int take_option(int opt, char *arg, void *context)
{
	struct flags *f = context;
	unsigned long long count;
	switch (opt) {
	case 'o':
		if (cli_parse_count(arg, 1, LIMIT_POLICY_NUMBER, &f->policy) != 0)
			return cli_usage_error("allocate", _("--policy takes the policy's number, from 1"));
		return 0;
	case 'k':
		f->key = arg;
		return 0;
	case 'B':
		if (positive(arg, LIMIT_BUDGET, &f->budget) != 0)
			return cli_usage_error("allocate", _("--budget takes a positive number"));
		return 0;
	case 'e':
		if (positive(arg, LIMIT_BUDGET, &f->step) != 0)
			return cli_usage_error("allocate", _("--step takes a positive number"));
		return 0;
	case 'i':
		if (positive(arg, 1.0, &f->indifference) != 0)
			return cli_usage_error("allocate", _("--indifference takes a number in (0, 1]"));
		return 0;
	case 'H':
		if (cli_parse_count(arg, 0, 1ULL << 40, &count) != 0)
			return cli_usage_error("allocate", _("--holdout-reps takes a whole number, 0 for none"));
		f->holdout = (long long)count;
		return 0;
	default:
		return 1;
	}
}

int command_allocate(int argc, char **argv, struct cluster *cluster)
{
	static const struct option own[] = {
		{"policy", required_argument, NULL, 'o'}, {"param", required_argument, NULL, 'k'},
		{"budget", required_argument, NULL, 'B'}, {"step", required_argument, NULL, 'e'},
		{"indifference", required_argument, NULL, 'i'},
		{"holdout-reps", required_argument, NULL, 'H'}, {NULL, 0, NULL, 0}};
	struct cli_options o;
	struct flags f = {0, NULL, 0.0, 0.0, 0.001, ALLOCATE_DEFAULT_HOLDOUT};
	int status = cli_parse(argc, argv, "allocate", allocate_usage, own, "o:k:B:e:i:H:", take_option,
			       &f, &o, cluster);
	if (status != EXIT_OK)
		return status < 0 ? EXIT_OK : status;
	if (argc - optind != 1)
		return cli_usage_error("allocate", _("give exactly one scenario file"));
	if (f.policy == 0 || f.key == NULL || f.budget <= 0.0)
		return cli_usage_error("allocate", _("give --policy N, --param KEY and --budget B"));
	if (f.step <= 0.0)
		f.step = f.budget / 10.0;
	if (f.step > f.budget)
		return cli_usage_error("allocate", _("--step is larger than --budget"));
	if (f.budget / f.step > LIMIT_OPTIMIZE_STEPS)
		return cli_usage_error("allocate", _("more than 10000 steps: raise --step"));
	const char *file = argv[optind];
	if ((status = outputs_check("allocate", &o, &file, 1)) != EXIT_OK)
		return status;
	/* one lever: the parameter itself, a unit costing 1, no cap but the budget */
	struct optimize_lever lever = {f.key, (int)f.policy - 1, f.key, 1.0, f.step, f.budget, NULL, 0};
	struct optimize_problem problem = {
		.command = "allocate", .n_levers = 1, .levers = &lever, .budget = f.budget, .unit = "",
		.max_reps = o.max_reps, .indifference = f.indifference, .holdout_reps = f.holdout,
		.target = 0.0, .from_zero = 1};
	return optimize_cli_run("allocate", file, &problem, &o, o.have_max_reps,
				ALLOCATE_DEFAULT_REPS);
}
