/* ccsim allocate: a policy's budget spread where it buys most P(pass). */
#include <stdio.h>
#include <stdlib.h>

#include "allocation.h"
#include "cli.h"
#include "commands.h"
#include "decision_csv.h"
#include "decision_json.h"
#include "interrupts.h"
#include "outputs.h"
#include "summary_text.h"

static const char allocate_usage[] =
	"Usage: ccsim allocate SCENARIO --policy N --param KEY --budget B [--step S] [options]\n"
	"\n"
	"Spreads a budget of policy N's parameter KEY (officers, road chiefs, ...)\n"
	"across the policy's target districts, S at a time, each step to the\n"
	"district where it raises P(pass) the most (ties by mean Total), measured\n"
	"against the allocation so far on the same random numbers. Each district\n"
	"gets its own copy of the policy with KEY set to its share.\n"
	"\n"
	"  -o, --policy N   the policy, 1 for the first in the scenario's list\n"
	"  -k, --param KEY  the plugin parameter to spread\n"
	"  -B, --budget B   the whole budget\n"
	"  -e, --step S     the amount of one step (default: the budget / 10)\n"
	"  -n, --reps N     replications per variant and step (default 5000)\n"
	"  -S, --set PATH=V   -s, --seed S   -t, --threads T   -j, --json FILE\n"
	"  -c, --csv FILE     -q, --quiet\n";

struct flags {
	unsigned long long policy;
	const char *key;
	double budget, step;
};

static int take_option(int opt, char *arg, void *context)
{
	struct flags *f = context;
	char *end;
	switch (opt) {
	case 'o':
		if (cli_parse_count(arg, 1, 1000, &f->policy) != 0)
			return cli_usage_error("allocate", "--policy takes the policy's number, from 1");
		return 0;
	case 'k':
		f->key = arg;
		return 0;
	case 'B':
		f->budget = strtod(arg, &end);
		if (*end != '\0' || !(f->budget > 0.0 && f->budget < LIMIT_BUDGET))
			return cli_usage_error("allocate", "--budget takes a positive number");
		return 0;
	case 'e':
		f->step = strtod(arg, &end);
		if (*end != '\0' || !(f->step > 0.0 && f->step < LIMIT_BUDGET))
			return cli_usage_error("allocate", "--step takes a positive number");
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
		{NULL, 0, NULL, 0}};
	struct cli_options o;
	struct flags f = {0};
	int status = cli_parse(argc, argv, "allocate", allocate_usage, own, "o:k:B:e:", take_option,
			       &f, &o, cluster);
	if (status != EXIT_OK)
		return status < 0 ? EXIT_OK : status;
	if (argc - optind != 1)
		return cli_usage_error("allocate", "give exactly one scenario file");
	if (f.policy == 0 || f.key == NULL || f.budget <= 0.0)
		return cli_usage_error("allocate", "give --policy N, --param KEY and --budget B");
	if (f.step <= 0.0)
		f.step = f.budget / 10.0;
	if (f.step > f.budget)
		return cli_usage_error("allocate", "--step is larger than --budget");
	if (f.budget / f.step > 10000.0)
		return cli_usage_error("allocate", "more than 10000 steps: raise --step");
	const char *file = argv[optind];
	if ((status = outputs_check("allocate", &o, &file, 1)) != EXIT_OK)
		return status;

	struct study st;
	struct diag d;
	diag_init(&d, NULL);
	struct study_request request = cli_study_request(&o, 5000);
	if (study_open(&st, &file, 1, &request, &d) != 0)
		return cli_fail("allocate", &st, &d, 0);
	struct allocation_problem problem = {(int)f.policy - 1, f.key, f.budget, f.step};
	struct allocation a;
	if (allocation_greedy(&st, &problem, &a, &d) != 0) {
		status = cli_fail("allocate", &st, &d, 0);
		study_close(&st);
		return status;
	}
	cli_warnings(&o, &d);
	char *json = o.json ? decision_json_allocation(&a) : NULL;
	char *csv = o.csv ? decision_csv_allocation(&a) : NULL;
	interrupts_hold(1);
	status = cli_write_outputs(&o, json, csv);
	if (status == EXIT_OK && !o.quiet)
		summary_text_allocation(stdout, &a);
	interrupts_hold(0);
	free(json);
	free(csv);
	allocation_free(&a);
	study_close(&st);
	return status;
}
