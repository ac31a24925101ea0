/*
 * The decision commands: compare, sweep, sensitivity, allocate. Every
 * variant of a command runs on the same seed and replication indices
 * (common random numbers), so differences between them carry little noise.
 */
#include "cli_decide.h"
#include "ccsim_limits.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocation.h"
#include "cli.h"
#include "experiment.h"
#include "report.h"
#include "runner.h"
#include "sensitivity.h"


/* ---- shared ------------------------------------------------------------- */

static json_t *interval(double lo, double hi)
{
	return json_pack("[f, f]", lo, hi);
}

static json_t *settings_json(const struct parameter_setting *settings, int n)
{
	json_t *list = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(list, json_pack("{s:s, s:f}", "path", settings[i].path, "value",
						      settings[i].value));
	return list;
}

/* The header every command's JSON starts with. */
static json_t *command_json(const char *command, const char *scenario, const struct run_options *run,
			    const struct run_result *r)
{
	return json_pack("{s:s, s:s, s:i, s:s, s:I, s:I, s:i, s:i, s:f}", "command", command,
			 "ccsim_version", CCSIM_VERSION, "model_version", SCENARIO_MODEL_VERSION,
			 "scenario", scenario, "replications", (json_int_t)(r ? r->replications : run->replications),
			 "seed", (json_int_t)run->seed, "threads", run->threads, "processes",
			 run->cluster ? cluster_size(run->cluster) : 1,
			 "seconds", r ? r->seconds : 0.0);
}

static double pass_share(const struct run_result *r)
{
	return r->tally->n ? (double)r->tally->passes / (double)r->tally->n : 0.0;
}

/* Writes the JSON and CSV a command asked for, with Ctrl-C held off so that
 * it cannot leave a temporary file behind; exit status. */
static int write_outputs(const struct cli_options *o, json_t *root, const char *csv)
{
	cli_hold_interrupts(1);
	int status = EXIT_OK;
	if (o->json != NULL)
		status = cli_write_json(o->json, root, stderr);
	else
		json_decref(root);
	if (status == EXIT_OK && o->csv != NULL)
		status = cli_write_text(o->csv, csv, stderr);
	cli_hold_interrupts(0);
	return status;
}

/* A growing text, for CSV. */
struct text {
	char *data;
	size_t length, capacity;
};

static void text_add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (t->length + (size_t)n + 1 > t->capacity) {
		size_t capacity = (t->length + (size_t)n + 1) * 2;
		char *grown = realloc(t->data, capacity);
		if (grown == NULL)
			abort();
		t->data = grown;
		t->capacity = capacity;
	}
	va_start(ap, fmt);
	vsnprintf(t->data + t->length, t->capacity - t->length, fmt, ap);
	va_end(ap);
	t->length += (size_t)n;
}

/* Prepares the base scenario to learn the run options (and its NAME, when
 * not NULL, room for 256 bytes); exit status. */
static int base_run_options(const char *file, const struct cli_options *o, int default_reps,
			    struct run_options *run, char *name)
{
	struct prepared base;
	uint64_t seed = o->seed;
	int status = prepare_variant(file, o->settings, o->n_settings, NULL, 0,
				     o->have_seed ? &seed : NULL, NULL, NULL, &base, stderr);
	if (status != EXIT_OK)
		return status;
	*run = cli_run_options(o, base.scenario);
	if (!o->have_reps && default_reps > 0) /* many runs: the command's own default */
		run->replications = default_reps;
	if (name != NULL)
		snprintf(name, 256, "%s", base.scenario->name);
	prepared_free(&base);
	return EXIT_OK;
}

/* ---- compare -------------------------------------------------------------- */

/* The settings that make variant V (none for the base or a scenario file). */
static json_t *own_settings_json(int files, int v, const struct variant *variants)
{
	if (files > 1 || v == 0)
		return json_array();
	return settings_json(variants[v - 1].settings, variants[v - 1].n);
}

static const char compare_usage[] =
	"Usage: ccsim compare SCENARIO SCENARIO... [options]\n"
	"       ccsim compare SCENARIO --variant \"NAME: PATH=VALUE, PATH=VALUE\"... [options]\n"
	"\n"
	"Runs two or more variants on the same random numbers and, for each, prints\n"
	"P(pass) with its interval and the mean Total; against the first variant, the\n"
	"paired difference in P(pass) and in Total with 95 % intervals, and the share\n"
	"of replications where one passes and the other fails.\n"
	"\n"
	"  -v, --variant SPEC  a variant of the one scenario (repeatable); the first\n"
	"                      variant is the scenario itself, named \"base\"\n"
	"  -S, --set PATH=V    set a parameter in every variant (repeatable)\n"
	"  -n, --reps N        replications per variant\n"
	"  -P, --precision H   add replications until every difference in P(pass)\n"
	"                      has a 95 % half-width of at most H\n"
	"  -M, --max-reps N    with --precision, stop at N at the most\n"
	"  -s, --seed S   -t, --threads T   -j, --json FILE   -c, --csv FILE   -q, --quiet\n";

int command_compare(int argc, char **argv, struct cluster *cluster)
{
	static const struct option options[] = {{"variant", required_argument, NULL, 'v'},
						CLI_COMMON_OPTIONS, {NULL, 0, NULL, 0}};
	struct cli_options o;
	struct variant variants[LIMIT_VARIANTS];
	int n_variants = 0, opt, status = EXIT_OK;
	char error[512];
	cli_options_init(&o);
	while ((opt = getopt_long(argc, argv, "v:" CLI_COMMON_SHORT, options, NULL)) != -1) {
		if (opt == 'v') {
			if (n_variants == LIMIT_VARIANTS - 1) {
				status = cli_usage_error("compare", "too many variants");
				break;
			}
			if (parse_variant(optarg, &variants[n_variants], error, sizeof error) != 0) {
				status = cli_usage_error("compare", error);
				break;
			}
			n_variants++;
			continue;
		}
		int common = cli_common_option(&o, opt, optarg, "compare", compare_usage);
		if (common != 0) {
			status = common < 0 ? -1 : common == 1 ? cli_usage_error("compare", "unknown option") : common;
			break;
		}
	}
	cli_options_join(&o, cluster);
	int files = argc - optind;
	if (status == EXIT_OK && files == 0)
		status = cli_usage_error("compare", "give a scenario");
	else if (status == EXIT_OK && files == 1 && n_variants == 0)
		status = cli_usage_error("compare", "give two or more scenarios, or one with --variant");
	else if (status == EXIT_OK && files > 1 && n_variants > 0)
		status = cli_usage_error("compare", "give several scenarios or --variant, not both");
	else if (status == EXIT_OK && files > LIMIT_VARIANTS)
		status = cli_usage_error("compare", "too many scenarios");
	int n = files > 1 ? files : 1 + n_variants;
	struct run_options run;
	if (status == EXIT_OK)
		status = base_run_options(argv[optind], &o, 0, &run, NULL);

	struct prepared prepared[LIMIT_VARIANTS];
	struct run_variant runs[LIMIT_VARIANTS];
	const char *names[LIMIT_VARIANTS];
	memset(prepared, 0, sizeof prepared);
	for (int v = 0; v < n && status == EXIT_OK; v++) {
		const char *file = files > 1 ? argv[optind + v] : argv[optind];
		struct variant *own = files == 1 && v > 0 ? &variants[v - 1] : NULL;
		const char *slash = strrchr(file, '/');
		names[v] = files > 1 ? (slash ? slash + 1 : file) : v == 0 ? "base" : own->name;
		status = prepare_variant(file, o.settings, o.n_settings, own ? own->settings : NULL,
					 own ? own->n : 0, &run.seed, NULL, NULL, &prepared[v], stderr);
		runs[v].scenario = prepared[v].scenario;
		runs[v].hooks = plugin_host_hooks(prepared[v].plugins);
	}
	struct run_result results[LIMIT_VARIANTS];
	struct pairing pairings[LIMIT_VARIANTS];
	if (status == EXIT_OK) {
		char message[2048];
		struct progress_bar bar;
		progress_start(&bar, o.quiet);
		run.progress = progress_update;
		run.progress_context = &bar;
		int run_status = run_variants(runs, n, &run, results, pairings, message, sizeof message);
		progress_finish(&bar);
		if (run_status != RUN_OK) {
			fprintf(stderr, "%s\nccsim compare: nothing was written\n", message);
			status = run_status; /* the run's statuses are exit statuses */
		}
	}
	if (status == EXIT_OK) {
		json_t *root = command_json("compare", runs[0].scenario->name, &run, &results[0]);
		if (o.precision > 0.0)
			json_object_set_new(root, "precision", json_real(o.precision));
		json_t *list = json_array();
		struct text csv = {0};
		text_add(&csv, "variant,pass_probability,pass_ci95_lo,pass_ci95_hi,total_mean,total_sd,"
			       "pass_difference,pass_difference_ci95_lo,pass_difference_ci95_hi,"
			       "total_difference,total_difference_ci95_lo,total_difference_ci95_hi,"
			       "only_variant_passes,only_first_passes\n");
		if (!o.quiet)
			printf("%lld replications a variant, seed %llu; differences against %s, paired "
			       "on the same random numbers\n\n%-26s %9s %19s %8s %20s %8s %8s %9s\n",
			       (long long)results[0].replications, (unsigned long long)run.seed, names[0],
			       "variant", "P(pass)", "95 % interval", "Total", "dP(pass) [95 %]",
			       "only var", "only 1st", "dTotal");
		for (int v = 0; v < n; v++) {
			const struct tally *t = results[v].tally;
			double p = pass_share(&results[v]), lo, hi;
			wilson_interval(t->passes, t->n, Z95, &lo, &hi);
			json_t *item = json_pack("{s:s, s:o, s:f, s:o, s:{s:f, s:f}, s:o}", "name", names[v],
						 "settings", own_settings_json(files, v, variants),
						 "pass_probability", p, "pass_ci95", interval(lo, hi), "total",
						 "mean", t->total.mean, "sd", moments_sd(&t->total, t->n),
						 "run", report_json_object(runs[v].scenario, &results[v],
									   plugin_host_summaries(prepared[v].plugins)));
			double dp = 0, dp_half = 0, dt = 0, dt_half = 0, only_v = 0, only_f = 0;
			if (v > 0) {
				const struct pairing *q = &pairings[v];
				dp = q->pass_difference.mean;
				dp_half = pairing_half_width(&q->pass_difference, q->n);
				dt = q->total_difference.mean;
				dt_half = pairing_half_width(&q->total_difference, q->n);
				only_v = (double)q->only_variant / (double)q->n;
				only_f = (double)q->only_first / (double)q->n;
				json_object_set_new(item, "against_first",
						    json_pack("{s:f, s:o, s:f, s:o, s:f, s:f}", "pass_difference", dp,
							      "pass_difference_ci95", interval(dp - dp_half, dp + dp_half),
							      "total_difference", dt, "total_difference_ci95",
							      interval(dt - dt_half, dt + dt_half), "only_variant_passes",
							      only_v, "only_first_passes", only_f));
			}
			json_array_append_new(list, item);
			text_add(&csv, "\"%s\",%.10g,%.10g,%.10g,%.10g,%.10g", names[v], p, lo, hi, t->total.mean,
				 moments_sd(&t->total, t->n));
			if (v > 0)
				text_add(&csv, ",%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g\n", dp,
					 dp - dp_half, dp + dp_half, dt, dt - dt_half, dt + dt_half, only_v, only_f);
			else
				text_add(&csv, ",,,,,,,,\n");
			if (o.quiet)
				continue;
			printf("%-26.26s %8.2f%% [%6.2f%%, %6.2f%%] %8.2f", names[v], 100 * p, 100 * lo,
			       100 * hi, t->total.mean);
			if (v > 0)
				printf(" %+7.2f%% \xc2\xb1%5.2f%% %7.2f%% %7.2f%% %+9.3f\n", 100 * dp,
				       100 * dp_half, 100 * only_v, 100 * only_f, dt);
			else
				printf("\n");
		}
		json_object_set_new(root, "variants", list);
		status = write_outputs(&o, root, csv.data);
		free(csv.data);
		for (int v = 0; v < n; v++)
			run_result_free(&results[v]);
	}
	for (int v = 0; v < n; v++)
		prepared_free(&prepared[v]);
	for (int v = 0; v < n_variants; v++)
		variant_free(&variants[v]);
	return status < 0 ? EXIT_OK : status;
}

/* ---- inputs: parameters and their ranges -------------------------------------- */

struct input {
	const char *path;
	double lo, hi;
	int steps;      /* sweep */
	int integer;    /* the path takes whole numbers: values are rounded */
};

static double input_value(const struct input *in, double unit)
{
	double v = in->lo + unit * (in->hi - in->lo);
	return in->integer ? round(v) : v;
}

/* Checks that every input's low and high load (before any replication) and
 * learns which take whole numbers; exit status. */
static int check_inputs(const char *file, const struct cli_options *o, const struct run_options *run,
			struct input *inputs, int k)
{
	for (int i = 0; i < k; i++) {
		for (int end = 0; end < 2; end++) {
			struct parameter_setting set = {inputs[i].path, end ? inputs[i].hi : inputs[i].lo, 0, 0};
			struct prepared p;
			int status = prepare_variant(file, o->settings, o->n_settings, &set, 1, &run->seed,
						     NULL, NULL, &p, stderr);
			if (status != EXIT_OK)
				return status;
			inputs[i].integer = set.integer;
			prepared_free(&p);
		}
	}
	return EXIT_OK;
}

struct point {
	double pass, lo, hi, total_mean, total_sd;
};

/* Runs the scenario with SETTINGS[k]; exit status. */
static int evaluate_point(const char *file, const struct cli_options *o, const struct run_options *run,
			  struct parameter_setting *settings, int k, struct point *out)
{
	struct prepared p;
	int status = prepare_variant(file, o->settings, o->n_settings, settings, k, &run->seed, NULL,
				     NULL, &p, stderr);
	if (status != EXIT_OK)
		return status;
	struct run_options options = *run;
	options.hooks = plugin_host_hooks(p.plugins);
	options.precision = 0.0;
	struct run_result r;
	char error[2048];
	int run_status = run_simulation(p.scenario, &options, &r, error, sizeof error);
	if (run_status != RUN_OK) {
		fprintf(stderr, "%s\n", error);
		prepared_free(&p);
		return run_status; /* the run's statuses are exit statuses */
	}
	out->pass = pass_share(&r);
	wilson_interval(r.tally->passes, r.tally->n, Z95, &out->lo, &out->hi);
	out->total_mean = r.tally->total.mean;
	out->total_sd = moments_sd(&r.tally->total, r.tally->n);
	run_result_free(&r);
	prepared_free(&p);
	return EXIT_OK;
}

static json_t *point_json(const struct point *p)
{
	return json_pack("{s:f, s:o, s:f, s:f}", "pass_probability", p->pass, "pass_ci95",
			 interval(p->lo, p->hi), "total_mean", p->total_mean, "total_sd", p->total_sd);
}

/* Parses the common options and a command's own, given as getopt entries
 * and a handler; returns EXIT_OK, -1 after --help, or an exit status. */
typedef int (*own_option)(int opt, char *arg, void *context);

static int parse_options(int argc, char **argv, const char *command, const char *usage,
			 const struct option *own, const char *own_short, own_option handle,
			 void *context, struct cli_options *o, struct cluster *cluster)
{
	static const struct option common[] = {CLI_COMMON_OPTIONS, {NULL, 0, NULL, 0}};
	struct option options[32];
	int n = 0;
	for (int i = 0; own != NULL && own[i].name != NULL; i++)
		options[n++] = own[i];
	for (int i = 0; common[i].name != NULL; i++)
		options[n++] = common[i];
	options[n] = (struct option){NULL, 0, NULL, 0};
	char shorts[64];
	snprintf(shorts, sizeof shorts, "%s%s", own_short, CLI_COMMON_SHORT);
	cli_options_init(o);
	int opt;
	while ((opt = getopt_long(argc, argv, shorts, options, NULL)) != -1) {
		int status = cli_common_option(o, opt, optarg, command, usage);
		if (status == 1)
			status = handle ? handle(opt, optarg, context) : 1;
		if (status == 1)
			return cli_usage_error(command, "unknown option");
		if (status != 0)
			return status;
	}
	if (argc - optind != 1)
		return cli_usage_error(command, "give exactly one scenario file");
	cli_options_join(o, cluster);
	return EXIT_OK;
}

/* ---- sweep ------------------------------------------------------------------ */

static const char sweep_usage[] =
	"Usage: ccsim sweep SCENARIO --param PATH=LO:HI:STEPS [--param PATH=LO:HI:STEPS] [options]\n"
	"\n"
	"Runs the scenario at every point of a 1-D or 2-D grid of parameters (STEPS\n"
	"evenly spaced values from LO to HI, rounded for whole-number parameters)\n"
	"on the same random numbers, and prints P(pass), its interval and the mean\n"
	"Total at each point.\n"
	"\n"
	"  -p, --param PATH=LO:HI:STEPS   a parameter and its grid (once or twice)\n"
	"  -n, --reps N   replications per point (default 20000)\n"
	"  -S, --set PATH=V   -s, --seed S   -t, --threads T   -j, --json FILE\n"
	"  -c, --csv FILE     -q, --quiet\n";

struct input_list {
	const char *command;
	int with_steps;
	int n;
	struct input inputs[LIMIT_INPUTS];
	char *method;
	int trajectories, levels, samples, bootstrap;
};

static int take_input(int opt, char *arg, void *context)
{
	struct input_list *l = context;
	char error[512];
	if (opt != 'p')
		return 1;
	if (l->n == LIMIT_INPUTS)
		return cli_usage_error(l->command, "too many --param");
	struct input *in = &l->inputs[l->n];
	if (cli_parse_range(arg, &in->path, &in->lo, &in->hi, &in->steps, l->with_steps, error,
			    sizeof error) != 0)
		return cli_usage_error(l->command, error);
	l->n++;
	return 0;
}

int command_sweep(int argc, char **argv, struct cluster *cluster)
{
	static const struct option own[] = {{"param", required_argument, NULL, 'p'}, {NULL, 0, NULL, 0}};
	struct cli_options o;
	struct input_list l = {.command = "sweep", .with_steps = 1};
	int status = parse_options(argc, argv, "sweep", sweep_usage, own, "p:", take_input, &l, &o, cluster);
	if (status != EXIT_OK)
		return status < 0 ? EXIT_OK : status;
	if (l.n < 1 || l.n > 2)
		return cli_usage_error("sweep", "give one or two --param PATH=LO:HI:STEPS");
	const char *file = argv[optind];
	struct run_options run;
	char name[256];
	status = base_run_options(file, &o, 20000, &run, name);
	if (status == EXIT_OK)
		status = check_inputs(file, &o, &run, l.inputs, l.n);
	if (status != EXIT_OK)
		return status;

	int rows = l.inputs[0].steps, columns = l.n == 2 ? l.inputs[1].steps : 1;
	json_t *root = command_json("sweep", name, &run, NULL);
	json_t *parameters = json_array(), *points = json_array();
	struct text csv = {0};
	for (int i = 0; i < l.n; i++) {
		json_t *values = json_array();
		for (int j = 0; j < l.inputs[i].steps; j++)
			json_array_append_new(values, json_real(input_value(&l.inputs[i], (double)j / (l.inputs[i].steps - 1))));
		json_array_append_new(parameters, json_pack("{s:s, s:f, s:f, s:i, s:o}", "path", l.inputs[i].path,
							    "low", l.inputs[i].lo, "high", l.inputs[i].hi,
							    "steps", l.inputs[i].steps, "values", values));
		text_add(&csv, "%s,", l.inputs[i].path);
	}
	text_add(&csv, "pass_probability,pass_ci95_lo,pass_ci95_hi,total_mean,total_sd\n");
	if (!o.quiet)
		printf("%lld replications a point, seed %llu, the same random numbers at every point\n\n"
		       "%-28s %-28s %9s %19s %9s\n", (long long)run.replications,
		       (unsigned long long)run.seed, l.inputs[0].path, l.n == 2 ? l.inputs[1].path : "",
		       "P(pass)", "95 % interval", "Total");
	for (int r = 0; r < rows && status == EXIT_OK; r++) {
		for (int c = 0; c < columns && status == EXIT_OK; c++) {
			struct parameter_setting point[2];
			int at[2] = {r, c};
			for (int i = 0; i < l.n; i++) {
				point[i].path = l.inputs[i].path;
				point[i].value = input_value(&l.inputs[i], (double)at[i] / (l.inputs[i].steps - 1));
			}
			struct point result;
			status = evaluate_point(file, &o, &run, point, l.n, &result);
			if (status != EXIT_OK)
				break;
			json_t *values = json_array();
			for (int i = 0; i < l.n; i++) {
				json_array_append_new(values, json_real(point[i].value));
				text_add(&csv, "%.10g,", point[i].value);
			}
			json_t *item = point_json(&result);
			json_object_set_new(item, "values", values);
			json_array_append_new(points, item);
			text_add(&csv, "%.10g,%.10g,%.10g,%.10g,%.10g\n", result.pass, result.lo, result.hi,
				 result.total_mean, result.total_sd);
			if (!o.quiet) {
				char second[32] = "";
				if (l.n == 2)
					snprintf(second, sizeof second, "%g", point[1].value);
				printf("%-28g %-28s %8.2f%% [%6.2f%%, %6.2f%%] %9.3f\n", point[0].value, second,
				       100 * result.pass, 100 * result.lo, 100 * result.hi, result.total_mean);
			}
		}
	}
	json_object_set_new(root, "parameters", parameters);
	json_object_set_new(root, "points", points);
	if (status == EXIT_OK)
		status = write_outputs(&o, root, csv.data);
	else
		json_decref(root);
	free(csv.data);
	return status;
}

/* ---- sensitivity ---------------------------------------------------------------- */

static const char sensitivity_usage[] =
	"Usage: ccsim sensitivity SCENARIO [--method tornado|morris|sobol] [--param PATH=LO:HI]... [options]\n"
	"\n"
	"How much P(pass) and the mean Total depend on each input, over the ranges of\n"
	"the scenario's sensitivity list or of the --param flags. Every point runs on\n"
	"the same random numbers.\n"
	"  tornado  each input at its low and its high, the others as the scenario\n"
	"           says; sorted by the swing in P(pass)\n"
	"  morris   elementary effects on random trajectories: mu* (importance),\n"
	"           sigma (non-linearity and interaction)\n"
	"  sobol    first-order and total Sobol' indices by Saltelli's sampling and\n"
	"           Jansen's estimators, with bootstrap 95 % intervals\n"
	"\n"
	"  -m, --method M        tornado (default), morris or sobol\n"
	"  -p, --param PATH=LO:HI  an input and its range (repeatable)\n"
	"  -r, --trajectories R  morris trajectories (default 10)\n"
	"  -l, --levels L        morris grid levels, even (default 4)\n"
	"  -N, --samples N       sobol base samples (default 64): (inputs + 2) N points\n"
	"  -b, --bootstrap B     sobol bootstrap resamples (default 1000)\n"
	"  -n, --reps N          replications per point (tornado 20000, morris 2000,\n"
	"                        sobol 500)\n"
	"  -S, --set PATH=V   -s, --seed S   -t, --threads T   -j, --json FILE\n"
	"  -c, --csv FILE     -q, --quiet\n";

static int take_sensitivity_option(int opt, char *arg, void *context)
{
	struct input_list *l = context;
	unsigned long long value;
	switch (opt) {
	case 'm':
		if (strcmp(arg, "tornado") != 0 && strcmp(arg, "morris") != 0 && strcmp(arg, "sobol") != 0)
			return cli_usage_error("sensitivity", "--method is tornado, morris or sobol");
		l->method = arg;
		return 0;
	case 'r':
		if (cli_parse_count(arg, 2, 100000, &value) != 0)
			return cli_usage_error("sensitivity", "--trajectories takes 2 to 100000");
		l->trajectories = (int)value;
		return 0;
	case 'l':
		if (cli_parse_count(arg, 2, 100, &value) != 0 || value % 2)
			return cli_usage_error("sensitivity", "--levels takes an even number from 2 to 100");
		l->levels = (int)value;
		return 0;
	case 'N':
		if (cli_parse_count(arg, 2, 1000000, &value) != 0)
			return cli_usage_error("sensitivity", "--samples takes 2 to 1000000");
		l->samples = (int)value;
		return 0;
	case 'b':
		if (cli_parse_count(arg, 0, 100000, &value) != 0)
			return cli_usage_error("sensitivity", "--bootstrap takes 0 to 100000");
		l->bootstrap = (int)value;
		return 0;
	default:
		return take_input(opt, arg, context);
	}
}

/*
 * Runs the scenario at the unit points X[count][k] into PASS[count] and
 * TOTAL[count]. A design has many points of few replications each, so the
 * points, not the replications, are shared among the processes (in blocks)
 * and, within one, among its threads; each point's run is the same whatever
 * process or thread runs it.
 */
static int evaluate_design(const char *file, const struct cli_options *o, const struct run_options *run,
			   const struct input *inputs, int k, const double *x, int count, double *pass,
			   double *total)
{
	struct run_options one = *run;
	one.threads = 1;
	one.cluster = NULL;  /* a point runs in one process */
	int processes = cluster_size(run->cluster);
	int rank = cluster_rank(run->cluster);
	int block = (count + processes - 1) / processes;
	int first = rank * block < count ? rank * block : count;
	int last = first + block < count ? first + block : count;
	/* this process's points: status, P(pass) and mean Total each */
	double *mine = calloc(3 * (size_t)(block > 0 ? block : 1), sizeof *mine);
	double *all = calloc(3 * (size_t)(block > 0 ? block : 1) * (size_t)processes, sizeof *all);
	int status = mine && all ? EXIT_OK : EXIT_INTERNAL;
	if (status == EXIT_OK) {
#pragma omp parallel for num_threads(run->threads) schedule(dynamic, 1)
		for (int p = first; p < last; p++) {
			struct parameter_setting settings[LIMIT_INPUTS];
			for (int i = 0; i < k; i++) {
				settings[i].path = inputs[i].path;
				settings[i].value = input_value(&inputs[i], x[(size_t)p * (size_t)k + (size_t)i]);
				settings[i].used = settings[i].integer = 0;
			}
			struct point result = {0};
			double *slot = &mine[3 * (size_t)(p - first)];
			slot[0] = evaluate_point(file, o, &one, settings, k, &result);
			slot[1] = result.pass;
			slot[2] = result.total_mean;
		}
		/* the first failed point speaks */
		for (int p = first; p < last && status == EXIT_OK; p++)
			status = (int)mine[3 * (size_t)(p - first)];
	}
	/* every process's points (one process: its own) */
	char message[1024];
	status = cluster_agree(run->cluster, status, NULL, message, sizeof message);
	if (status != EXIT_OK && message[0] != '\0')
		fprintf(stderr, "ccsim: %s\n", message);
	if (status == EXIT_OK)
		cluster_share(run->cluster, mine, 3 * (size_t)block * sizeof *mine, all);
	for (int p = 0; p < count && status == EXIT_OK; p++) {
		pass[p] = all[3 * (size_t)p + 1];
		total[p] = all[3 * (size_t)p + 2];
	}
	free(mine);
	free(all);
	return status;
}

/* The tornado: each input at its low and high; sorted by swing. */
static int tornado(const char *file, const struct cli_options *o, const struct run_options *run,
		   const struct input *inputs, int k, json_t *root, struct text *csv)
{
	struct point base, low[LIMIT_INPUTS], high[LIMIT_INPUTS];
	int order[LIMIT_INPUTS];
	int status = evaluate_point(file, o, run, NULL, 0, &base);
	for (int i = 0; i < k && status == EXIT_OK; i++) {
		struct parameter_setting set = {inputs[i].path, input_value(&inputs[i], 0.0), 0, 0};
		status = evaluate_point(file, o, run, &set, 1, &low[i]);
		set.value = input_value(&inputs[i], 1.0);
		if (status == EXIT_OK)
			status = evaluate_point(file, o, run, &set, 1, &high[i]);
		order[i] = i;
	}
	if (status != EXIT_OK)
		return status;
	for (int i = 1; i < k; i++) { /* by swing in P(pass), then in Total; stable */
		int j = i, moving = order[i];
		double swing = fabs(high[moving].pass - low[moving].pass);
		double total = fabs(high[moving].total_mean - low[moving].total_mean);
		while (j > 0) {
			int before = order[j - 1];
			double s2 = fabs(high[before].pass - low[before].pass);
			double t2 = fabs(high[before].total_mean - low[before].total_mean);
			if (s2 > swing || (s2 == swing && t2 >= total))
				break;
			order[j] = before;
			j--;
		}
		order[j] = moving;
	}
	json_object_set_new(root, "base", point_json(&base));
	json_t *list = json_array();
	text_add(csv, "path,low,high,pass_low,pass_high,total_low,total_high,pass_swing,total_swing\n");
	if (!o->quiet)
		printf("base: P(pass) %.2f%%, Total %.3f\n\n%-40s %10s %10s %10s %10s %9s\n",
		       100 * base.pass, base.total_mean, "input (low .. high)", "P at low", "P at high",
		       "T at low", "T at high", "P swing");
	for (int r = 0; r < k; r++) {
		int i = order[r];
		double swing = high[i].pass - low[i].pass, total = high[i].total_mean - low[i].total_mean;
		json_array_append_new(list, json_pack("{s:s, s:f, s:f, s:o, s:o, s:f, s:f}", "path",
						      inputs[i].path, "low", input_value(&inputs[i], 0.0),
						      "high", input_value(&inputs[i], 1.0), "at_low",
						      point_json(&low[i]), "at_high", point_json(&high[i]),
						      "pass_swing", swing, "total_swing", total));
		text_add(csv, "%s,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g\n", inputs[i].path,
			 input_value(&inputs[i], 0.0), input_value(&inputs[i], 1.0), low[i].pass,
			 high[i].pass, low[i].total_mean, high[i].total_mean, swing, total);
		if (!o->quiet) {
			char label[128];
			snprintf(label, sizeof label, "%s (%g .. %g)", inputs[i].path,
				 input_value(&inputs[i], 0.0), input_value(&inputs[i], 1.0));
			printf("%-40.40s %9.2f%% %9.2f%% %10.3f %10.3f %+8.2f%%\n", label, 100 * low[i].pass,
			       100 * high[i].pass, low[i].total_mean, high[i].total_mean, 100 * swing);
		}
	}
	json_object_set_new(root, "inputs", list);
	return EXIT_OK;
}

static int morris(const char *file, const struct cli_options *o, const struct run_options *run,
		  const struct input *inputs, int k, const struct input_list *l, json_t *root,
		  struct text *csv)
{
	struct morris_design d;
	if (morris_design_make(&d, k, l->trajectories, l->levels, run->seed) != 0)
		return EXIT_INTERNAL;
	int count = d.r * (k + 1);
	double *pass = calloc((size_t)count, sizeof *pass), *total = calloc((size_t)count, sizeof *total);
	double effects[6][LIMIT_INPUTS];
	int status = pass && total ? evaluate_design(file, o, run, inputs, k, d.points, count, pass, total)
				   : EXIT_INTERNAL;
	if (status == EXIT_OK) {
		morris_effects(&d, total, effects[0], effects[1], effects[2]);
		morris_effects(&d, pass, effects[3], effects[4], effects[5]);
		json_object_set_new(root, "trajectories", json_integer(d.r));
		json_object_set_new(root, "levels", json_integer(d.levels));
		json_t *list = json_array();
		text_add(csv, "path,low,high,total_mu_star,total_mu,total_sigma,pass_mu_star,pass_mu,pass_sigma\n");
		if (!o->quiet)
			printf("%d trajectories over %d levels, %d points; effects per full range of an input\n\n"
			       "%-40s %11s %11s %11s %11s\n", d.r, d.levels, count, "input",
			       "Total mu*", "Total sigma", "P mu*", "P sigma");
		for (int i = 0; i < k; i++) {
			json_array_append_new(list, json_pack("{s:s, s:f, s:f, s:{s:f, s:f, s:f}, s:{s:f, s:f, s:f}}",
				"path", inputs[i].path, "low", inputs[i].lo, "high", inputs[i].hi,
				"total", "mu_star", effects[0][i], "mu", effects[1][i], "sigma", effects[2][i],
				"pass", "mu_star", effects[3][i], "mu", effects[4][i], "sigma", effects[5][i]));
			text_add(csv, "%s,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g\n", inputs[i].path,
				 inputs[i].lo, inputs[i].hi, effects[0][i], effects[1][i], effects[2][i],
				 effects[3][i], effects[4][i], effects[5][i]);
			if (!o->quiet)
				printf("%-40.40s %11.4f %11.4f %11.4f %11.4f\n", inputs[i].path, effects[0][i],
				       effects[2][i], effects[3][i], effects[5][i]);
		}
		json_object_set_new(root, "inputs", list);
	}
	free(pass);
	free(total);
	morris_design_free(&d);
	return status;
}

static json_t *indices_json(const struct sobol_indices *x, int i)
{
	return json_pack("{s:f, s:o, s:f, s:o}", "first", x->first[i], "first_ci95",
			 interval(x->first_lo[i], x->first_hi[i]), "total", x->total[i], "total_ci95",
			 interval(x->total_lo[i], x->total_hi[i]));
}

static int sobol(const char *file, const struct cli_options *o, const struct run_options *run,
		 const struct input *inputs, int k, const struct input_list *l, json_t *root,
		 struct text *csv)
{
	struct sobol_design d;
	if (sobol_design_make(&d, k, l->samples, run->seed) != 0)
		return EXIT_INTERNAL;
	int count = SOBOL_BLOCKS(k) * d.n;
	double *x = calloc((size_t)count * (size_t)k, sizeof *x);
	double *pass = calloc((size_t)count, sizeof *pass), *total = calloc((size_t)count, sizeof *total);
	double arrays[2][6][LIMIT_INPUTS];
	struct sobol_indices of_total = {arrays[0][0], arrays[0][1], arrays[0][2], arrays[0][3], arrays[0][4], arrays[0][5], 0};
	struct sobol_indices of_pass = {arrays[1][0], arrays[1][1], arrays[1][2], arrays[1][3], arrays[1][4], arrays[1][5], 0};
	int status = x && pass && total ? EXIT_OK : EXIT_INTERNAL;
	for (int m = 0; m < SOBOL_BLOCKS(k) && status == EXIT_OK; m++)
		for (int j = 0; j < d.n; j++)
			sobol_point(&d, m, j, &x[((size_t)m * (size_t)d.n + (size_t)j) * (size_t)k]);
	if (status == EXIT_OK)
		status = evaluate_design(file, o, run, inputs, k, x, count, pass, total);
	if (status == EXIT_OK &&
	    (sobol_estimate(&d, total, l->bootstrap, run->seed, &of_total) != 0 ||
	     sobol_estimate(&d, pass, l->bootstrap, run->seed, &of_pass) != 0))
		status = EXIT_INTERNAL;
	if (status == EXIT_OK) {
		json_object_set_new(root, "samples", json_integer(d.n));
		json_object_set_new(root, "bootstrap", json_integer(l->bootstrap));
		json_t *list = json_array();
		text_add(csv, "path,low,high,total_first,total_first_lo,total_first_hi,total_total,"
			      "total_total_lo,total_total_hi,pass_first,pass_first_lo,pass_first_hi,"
			      "pass_total,pass_total_lo,pass_total_hi\n");
		if (!o->quiet)
			printf("%d base samples, %d points; Sobol' indices with bootstrap 95 %% intervals\n\n"
			       "%-34s %22s %22s %22s %22s\n", d.n, count, "input", "Total: first",
			       "Total: total", "P(pass): first", "P(pass): total");
		for (int i = 0; i < k; i++) {
			json_array_append_new(list, json_pack("{s:s, s:f, s:f, s:o, s:o}", "path", inputs[i].path,
							      "low", inputs[i].lo, "high", inputs[i].hi, "total",
							      indices_json(&of_total, i), "pass",
							      indices_json(&of_pass, i)));
			text_add(csv, "%s,%.10g,%.10g", inputs[i].path, inputs[i].lo, inputs[i].hi);
			const struct sobol_indices *both[2] = {&of_total, &of_pass};
			for (int b = 0; b < 2; b++)
				text_add(csv, ",%.10g,%.10g,%.10g,%.10g,%.10g,%.10g", both[b]->first[i],
					 both[b]->first_lo[i], both[b]->first_hi[i], both[b]->total[i],
					 both[b]->total_lo[i], both[b]->total_hi[i]);
			text_add(csv, "\n");
			if (o->quiet)
				continue;
			printf("%-34.34s", inputs[i].path);
			for (int b = 0; b < 2; b++)
				printf(" %6.3f [%6.3f,%6.3f] %6.3f [%6.3f,%6.3f]", both[b]->first[i],
				       both[b]->first_lo[i], both[b]->first_hi[i], both[b]->total[i],
				       both[b]->total_lo[i], both[b]->total_hi[i]);
			printf("\n");
		}
		json_object_set_new(root, "inputs", list);
	}
	free(x);
	free(pass);
	free(total);
	sobol_design_free(&d);
	return status;
}

int command_sensitivity(int argc, char **argv, struct cluster *cluster)
{
	static const struct option own[] = {
		{"param", required_argument, NULL, 'p'},     {"method", required_argument, NULL, 'm'},
		{"trajectories", required_argument, NULL, 'r'}, {"levels", required_argument, NULL, 'l'},
		{"samples", required_argument, NULL, 'N'},   {"bootstrap", required_argument, NULL, 'b'},
		{NULL, 0, NULL, 0}};
	struct cli_options o;
	struct input_list l = {.command = "sensitivity", .method = "tornado", .trajectories = 10,
			       .levels = 4, .samples = 64, .bootstrap = 1000};
	int status = parse_options(argc, argv, "sensitivity", sensitivity_usage, own, "p:m:r:l:N:b:",
				   take_sensitivity_option, &l, &o, cluster);
	if (status != EXIT_OK)
		return status < 0 ? EXIT_OK : status;
	const char *file = argv[optind];
	int is_tornado = strcmp(l.method, "tornado") == 0, is_morris = strcmp(l.method, "morris") == 0;
	struct run_options run;
	char name[256];
	status = base_run_options(file, &o, is_tornado ? 20000 : is_morris ? 2000 : 500, &run, name);
	if (status != EXIT_OK)
		return status;

	/* the inputs: the flags, else the scenario's sensitivity list */
	struct prepared base = {0};
	if (l.n == 0) {
		status = prepare_variant(file, o.settings, o.n_settings, NULL, 0, &run.seed, NULL, NULL,
					 &base, stderr);
		if (status != EXIT_OK)
			return status;
		for (int i = 0; i < base.scenario->n_sensitivity && l.n < LIMIT_INPUTS; i++, l.n++) {
			l.inputs[l.n].path = base.scenario->sensitivity[i].path;
			l.inputs[l.n].lo = base.scenario->sensitivity[i].low;
			l.inputs[l.n].hi = base.scenario->sensitivity[i].high;
		}
		if (l.n == 0) {
			prepared_free(&base);
			return cli_usage_error("sensitivity", "the scenario has no sensitivity list: give --param PATH=LO:HI");
		}
	}
	status = check_inputs(file, &o, &run, l.inputs, l.n);
	json_t *root = command_json("sensitivity", name, &run, NULL);
	json_object_set_new(root, "method", json_string(l.method));
	struct text csv = {0};
	if (status == EXIT_OK && !o.quiet)
		printf("%s of %d input%s, %lld replications a point, seed %llu\n", l.method, l.n,
		       l.n == 1 ? "" : "s", (long long)run.replications, (unsigned long long)run.seed);
	if (status == EXIT_OK)
		status = is_tornado ? tornado(file, &o, &run, l.inputs, l.n, root, &csv)
			 : is_morris ? morris(file, &o, &run, l.inputs, l.n, &l, root, &csv)
				     : sobol(file, &o, &run, l.inputs, l.n, &l, root, &csv);
	if (status == EXIT_OK)
		status = write_outputs(&o, root, csv.data);
	else
		json_decref(root);
	free(csv.data);
	prepared_free(&base); /* after: the inputs' paths pointed into it */
	return status;
}

/* ---- allocate --------------------------------------------------------------------- */

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

struct allocate_flags {
	unsigned long long policy;
	const char *key;
	double budget, step;
};

static int take_allocate_option(int opt, char *arg, void *context)
{
	struct allocate_flags *f = context;
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
	struct allocate_flags f = {0};
	int status = parse_options(argc, argv, "allocate", allocate_usage, own, "o:k:B:e:",
				   take_allocate_option, &f, &o, cluster);
	if (status != EXIT_OK)
		return status < 0 ? EXIT_OK : status;
	if (f.policy == 0 || f.key == NULL || f.budget <= 0.0)
		return cli_usage_error("allocate", "give --policy N, --param KEY and --budget B");
	if (f.step <= 0.0)
		f.step = f.budget / 10.0;
	if (f.step > f.budget)
		return cli_usage_error("allocate", "--step is larger than --budget");
	if (f.budget / f.step > 10000.0)
		return cli_usage_error("allocate", "more than 10000 steps: raise --step");
	const char *file = argv[optind];
	struct allocation_problem problem = {file, o.settings, o.n_settings, (int)f.policy - 1, f.key,
					     f.budget, f.step, {0}};
	char name[256];
	status = base_run_options(file, &o, 5000, &problem.run, name);
	if (status != EXIT_OK)
		return status;
	struct allocation a;
	status = allocate_greedy(&problem, &a, stderr);
	if (status != EXIT_OK)
		return status;

	json_t *root = command_json("allocate", name, &problem.run, NULL);
	json_object_set_new(root, "policy", json_integer((json_int_t)f.policy));
	json_object_set_new(root, "param", json_string(f.key));
	json_object_set_new(root, "budget", json_real(f.budget));
	json_object_set_new(root, "step", json_real(f.step));
	json_t *steps = json_array(), *allocation = json_array();
	struct text csv = {0};
	text_add(&csv, "step,district,amount,gain,gain_ci95_lo,gain_ci95_hi,total_gain,pass_probability,"
		       "pass_ci95_lo,pass_ci95_hi,total_mean\n");
	if (!o.quiet)
		printf("%s of policy %llu, budget %g in steps of %g, %lld replications a variant\n\n"
		       "%5s %-20s %9s %26s %19s %9s\n", f.key, f.policy, f.budget, f.step,
		       (long long)problem.run.replications, "step", "district", "amount",
		       "gain in P(pass) [95 %]", "P(pass) after", "Total");
	for (int i = 0; i < a.n_steps; i++) {
		const struct allocation_step *s = &a.steps[i];
		const char *district = a.targets[s->district];
		json_array_append_new(steps, json_pack("{s:i, s:s, s:f, s:f, s:o, s:f, s:f, s:o, s:f}",
			"step", i + 1, "district", district, "amount", s->amount, "gain", s->gain,
			"gain_ci95", interval(s->gain_lo, s->gain_hi), "total_gain", s->total_gain,
			"pass_probability", s->pass, "pass_ci95", interval(s->pass_lo, s->pass_hi),
			"total_mean", s->total_mean));
		text_add(&csv, "%d,\"%s\",%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g\n", i + 1,
			 district, s->amount, s->gain, s->gain_lo, s->gain_hi, s->total_gain, s->pass,
			 s->pass_lo, s->pass_hi, s->total_mean);
		if (!o.quiet)
			printf("%5d %-20.20s %9g %+9.2f%% [%+6.2f%%, %+6.2f%%] %7.2f%% \u00b1%5.2f%% %9.3f\n",
			       i + 1, district, s->amount, 100 * s->gain, 100 * s->gain_lo, 100 * s->gain_hi,
			       100 * s->pass, 100 * (s->pass_hi - s->pass_lo) / 2, s->total_mean);
	}
	if (!o.quiet)
		printf("\nallocation:");
	for (int d = 0; d < a.n_targets; d++) {
		json_array_append_new(allocation, json_pack("{s:s, s:f}", "district", a.targets[d],
							    "amount", a.amounts[d]));
		if (!o.quiet)
			printf(" %s %g%s", a.targets[d], a.amounts[d], d + 1 < a.n_targets ? "," : "\n");
	}
	json_object_set_new(root, "steps", steps);
	json_object_set_new(root, "allocation", allocation);
	status = write_outputs(&o, root, csv.data);
	free(csv.data);
	allocation_free(&a);
	return status;
}
