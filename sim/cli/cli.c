#include "cli.h"
#include "i18n.h"

#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"

static void options_init(struct cli_options *o)
{
	memset(o, 0, sizeof *o);
	o->threads = omp_get_num_procs();
	o->max_reps = CLI_DEFAULT_MAX_REPS;
}

int cli_usage_error(const char *command, const char *message)
{
	fprintf(stderr, _("ccsim %s: %s\nTry 'ccsim %s --help'.\n"), command, message, command);
	return EXIT_INPUT;
}

int cli_parse_count(const char *text, unsigned long long lo, unsigned long long hi,
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

static int parse_real(const char *text, double *out)
{
	char *end;
	errno = 0;
	double value = strtod(text, &end);
	if (text[0] == '\0' || *end != '\0' || errno != 0 || !isfinite(value))
		return -1;
	*out = value;
	return 0;
}

int cli_parse_range(char *text, const char **path, double *lo, double *hi, int *steps,
		    int want_steps, char *error, size_t size)
{
	const char *form = want_steps ? "PATH=LO:HI:STEPS" : "PATH=LO:HI";
	char *equals = strchr(text, '=');
	if (equals == NULL || equals == text) {
		snprintf(error, size, _("'%s' is not %s"), text, form);
		return -1;
	}
	*equals = '\0';
	*path = text;
	char *parts[3] = {equals + 1, NULL, NULL};
	for (int i = 1; i < 3; i++) {
		char *colon = parts[i - 1] ? strchr(parts[i - 1], ':') : NULL;
		if (colon != NULL) {
			*colon = '\0';
			parts[i] = colon + 1;
		}
	}
	unsigned long long count = 0;
	if (parts[1] == NULL || (want_steps && parts[2] == NULL) || (!want_steps && parts[2] != NULL) ||
	    parse_real(parts[0], lo) != 0 || parse_real(parts[1], hi) != 0 ||
	    (want_steps && cli_parse_count(parts[2], 2, 1000, &count) != 0)) {
		snprintf(error, size, _("'%s=...' is not %s%s"), text, form,
			 want_steps ? _(" with 2 to 1000 steps") : "");
		return -1;
	}
	if (*lo > *hi) {
		snprintf(error, size, _("%s: LO (%g) is above HI (%g)"), text, *lo, *hi);
		return -1;
	}
	if (steps)
		*steps = (int)count;
	return 0;
}

int cli_take_input(const char *command, char *arg, int with_steps, struct design_input *inputs,
		   int *n)
{
	char error[512];
	if (*n == LIMIT_INPUTS)
		return cli_usage_error(command, _("too many --param"));
	struct design_input *in = &inputs[*n];
	memset(in, 0, sizeof *in);
	if (cli_parse_range(arg, &in->path, &in->lo, &in->hi, &in->steps, with_steps, error,
			    sizeof error) != 0)
		return cli_usage_error(command, error);
	(*n)++;
	return 0;
}

/*
 * PATH=[A, B] (TEXT, its '=' at EQUALS): a list of names, which only a
 * policy's districts take (policies.N.districts, docs/model.md 2). The
 * setting keeps the list in its path, after the '=' (scenario.h).
 */
static int parse_names(char *text, char *equals, struct parameter_setting *out, char *error,
		       size_t size)
{
	static const char suffix[] = ".districts";
	size_t path = (size_t)(equals - text), n = strlen(equals);
	int policy = strncmp(text, "policies.", 9) == 0 && path > 9 + strlen(suffix) &&
		     strncmp(equals - strlen(suffix), suffix, strlen(suffix)) == 0;
	if (!policy) {
		snprintf(error, size, _("'%s': a list [A, B] sets only a policy's districts "
					"(policies.N.districts=[A, B])"), text);
		return -1;
	}
	if (equals[n - 1] != ']') {
		snprintf(error, size, _("'%s': the list of districts must end with ']' "
					"(policies.N.districts=[A, B])"), text);
		return -1;
	}
	out->path = text;
	out->value = 0.0;
	out->used = 0;
	out->integer = 0;
	return 0;
}

int cli_parse_setting(char *text, struct parameter_setting *out, char *error, size_t size)
{
	while (*text == ' ')
		text++;
	char *list = strchr(text, '=');
	if (list != NULL && list != text && list[1] == '[')
		return parse_names(text, list, out, error, size);
	char *equals = strchr(text, '=');
	if (equals == NULL || equals == text) {
		snprintf(error, size, _("'%s' is not PATH=VALUE (e.g. districts.Xigu.rectify_rate=0.2)"), text);
		return -1;
	}
	*equals = '\0';
	char *end;
	errno = 0;
	double value = strtod(equals + 1, &end);
	if (equals[1] == '\0' || *end != '\0' || errno != 0 || !isfinite(value)) {
		snprintf(error, size, _("'%s=%s': the value must be a number"), text, equals + 1);
		*equals = '=';
		return -1;
	}
	/* trim spaces around the path */
	while (*text == ' ')
		text++;
	for (char *e = equals - 1; e > text && *e == ' '; e--)
		*e = '\0';
	out->path = text;
	out->value = value;
	out->used = 0;
	out->integer = 0;
	return 0;
}

int cli_parse_variant(char *text, struct cli_variant *out, char *error, size_t size)
{
	memset(out, 0, sizeof *out);
	char *colon = strchr(text, ':');
	if (colon == NULL || colon == text) {
		snprintf(error, size, _("'%s' is not \"NAME: PATH=VALUE, PATH=VALUE\""), text);
		return -1;
	}
	*colon = '\0';
	out->name = strdup(text);
	int capacity = 1;
	for (char *c = colon + 1; *c; c++)
		capacity += *c == ',';
	out->settings = calloc((size_t)capacity, sizeof *out->settings);
	if (out->name == NULL || out->settings == NULL) {
		cli_variant_free(out);
		snprintf(error, size, _("out of memory"));
		return -1;
	}
	for (char *next, *item = colon + 1; item != NULL; item = next) {
		/* the next comma outside a list [A, B] */
		int depth = 0;
		for (next = item; *next != '\0' && (*next != ',' || depth > 0); next++)
			depth += (*next == '[') - (*next == ']');
		if (*next == '\0')
			next = NULL;
		else
			*next++ = '\0';
		while (*item == ' ')
			item++;
		if (*item == '\0')
			continue;
		if (cli_parse_setting(item, &out->settings[out->n], error, size) != 0) {
			cli_variant_free(out);
			return -1;
		}
		out->n++;
	}
	if (out->n == 0) {
		snprintf(error, size, _("variant '%s' sets no parameter"), out->name);
		cli_variant_free(out);
		return -1;
	}
	return 0;
}

void cli_variant_free(struct cli_variant *v)
{
	free(v->name);
	free(v->settings);
	memset(v, 0, sizeof *v);
}

/* Handles common option OPT (with ARG): 0 when handled, 1 when OPT is not
 * common, -1 after --help, or an exit status after a message. */
static int common_option(struct cli_options *o, int opt, char *arg, const char *command,
			 const char *usage)
{
	unsigned long long value;
	char error[512];
	switch (opt) {
	case 'n':
		if (cli_parse_count(arg, 1, 1ULL << 53, &value) != 0)
			return cli_usage_error(command, _("--reps takes a whole number from 1 to 2^53"));
		o->have_reps = 1;
		o->reps = (int64_t)value;
		return 0;
	case 's':
		if (cli_parse_count(arg, 0, ~0ULL, &value) != 0)
			return cli_usage_error(command, _("--seed takes a whole number from 0 to 2^64-1"));
		o->have_seed = 1;
		o->seed = value;
		return 0;
	case 't':
		if (cli_parse_count(arg, 1, LIMIT_THREADS, &value) != 0)
			return cli_usage_error(command, _("--threads takes a whole number from 1 to 1024"));
		o->threads = (int)value;
		return 0;
	case 'j':
		o->json = arg;
		return 0;
	case 'c':
		o->csv = arg;
		return 0;
	case 'q':
		o->quiet = 1;
		return 0;
	case CLI_OPTION_EXCEL:
		o->excel = 1;
		return 0;
	case 'S':
		if (o->n_settings == (int)(sizeof o->settings / sizeof o->settings[0]))
			return cli_usage_error(command, _("too many --set"));
		if (cli_parse_setting(arg, &o->settings[o->n_settings], error, sizeof error) != 0)
			return cli_usage_error(command, error);
		o->n_settings++;
		return 0;
	case 'P':
		if (parse_real(arg, &o->precision) != 0 || !(o->precision > 0.0 && o->precision < 0.5))
			return cli_usage_error(command, _("--precision takes a half-width in (0, 0.5), "
							"e.g. 0.005"));
		return 0;
	case CLI_STRICT:
		o->strict = 1;
		return 0;
	case 'M':
		if (cli_parse_count(arg, 1, 1ULL << 53, &value) != 0)
			return cli_usage_error(command, _("--max-reps takes a whole number from 1 to 2^53"));
		o->max_reps = (int64_t)value;
		o->have_max_reps = 1;
		return 0;
	case 'h':
		fputs(_(usage), stdout);
		return -1;
	default:
		return 1;
	}
}

int cli_parse(int argc, char **argv, const char *command, const char *usage,
	      const struct option *own, const char *own_short, cli_own_option handle,
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
	snprintf(shorts, sizeof shorts, "%s%s", own_short ? own_short : "", CLI_COMMON_SHORT);
	options_init(o);
	int opt;
	while ((opt = getopt_long(argc, argv, shorts, options, NULL)) != -1) {
		int status = common_option(o, opt, optarg, command, usage);
		if (status == 1)
			status = handle ? handle(opt, optarg, context) : 1;
		if (status == 1)
			return cli_usage_error(command, _("unknown option"));
		if (status != 0)
			return status;
	}
	/* runs share the work of the job's processes; only the one that writes
	 * keeps --json, --csv and what is printed */
	o->cluster = cluster;
	if (!cluster_writes(cluster)) {
		o->json = NULL;
		o->csv = NULL;
		o->quiet = 1;
	}
	return EXIT_OK;
}

struct study_request cli_study_request(const struct cli_options *o, int default_reps)
{
	struct study_request r = {
		.settings = o->settings,
		.n_settings = o->n_settings,
		.have_seed = o->have_seed,
		.seed = o->seed,
		.have_reps = o->have_reps,
		.reps = o->reps,
		.default_reps = default_reps,
		.precision = o->precision,
		.max_reps = o->max_reps,
		.strict = o->strict,
		.threads = o->threads,
		.cluster = o->cluster,
		.outputs = {o->json, o->csv},
	};
	return r;
}

void cli_warnings(const struct cli_options *o, struct diag *d)
{
	struct diag once;
	diag_init(&once, d->file);
	for (int i = 0; i < d->count; i++) {
		const struct diag_entry *e = &d->entries[i];
		const char *file = e->file ? e->file : d->file;
		int seen = e->kind != DIAG_WARNING;
		for (int j = 0; j < once.count && !seen; j++)
			seen = once.entries[j].line == e->line &&
			       strcmp(once.entries[j].message, e->message) == 0 &&
			       strcmp(once.entries[j].file ? once.entries[j].file : "", file ? file : "") == 0;
		if (!seen)
			diag_add_at(&once, DIAG_WARNING, file, e->line, "%s", e->message);
	}
	if (o->cluster == NULL || cluster_writes(o->cluster))
		diag_print(&once, stderr);
	diag_free(&once);
	diag_free(d);
}

int cli_exit_status(const struct diag *d)
{
	switch (diag_worst(d)) {
	case DIAG_INPUT:
		return EXIT_INPUT;
	case DIAG_PLUGIN:
		return EXIT_PLUGIN;
	case DIAG_NO_MEMORY:
	case DIAG_SYSTEM:
	case DIAG_WARNING: /* a failure that said nothing */
	default:
		return EXIT_INTERNAL;
	}
}

int cli_fail(const char *command, const struct study *st, struct diag *d, int prefix)
{
	enum diag_kind worst = diag_worst(d);
	int status = cli_exit_status(d);
	if (prefix && worst != DIAG_PLUGIN && (st == NULL || st->failed_file == NULL))
		fprintf(stderr, "ccsim %s: ", command);
	diag_print(d, stderr);
	if (st != NULL && st->failed_file != NULL) {
		if (worst == DIAG_PLUGIN)
			fprintf(stderr, _("ccsim: a policy plugin failed; nothing was simulated\n"));
		else if (worst == DIAG_INPUT)
			fprintf(stderr, ngettext("ccsim: %d problem in %s; nothing was simulated\n",
						 "ccsim: %d problems in %s; nothing was simulated\n",
						 (unsigned long)d->count), d->count, st->failed_file);
	}
	diag_free(d);
	return status;
}

int cli_write_text(const char *path, const char *text, FILE *err)
{
	char error[512];
	if (atomic_file_write(path, text, strlen(text), error, sizeof error) != 0) {
		fprintf(err, "ccsim: %s\n", error);
		return EXIT_INTERNAL;
	}
	return EXIT_OK;
}

int cli_write_csv(const char *path, const char *text, int excel)
{
	/* Excel and WPS read a CSV as UTF-8 only when it starts with a byte-order mark */
	if (!excel && !i18n_is_chinese())
		return cli_write_text(path, text, stderr);
	size_t n = strlen(text);
	char *marked = malloc(n + 4);
	if (marked == NULL) {
		fprintf(stderr, _("ccsim: out of memory while writing %s\n"), path);
		return EXIT_INTERNAL;
	}
	memcpy(marked, "\xEF\xBB\xBF", 3);
	memcpy(marked + 3, text, n + 1);
	int status = cli_write_text(path, marked, stderr);
	free(marked);
	return status;
}

int cli_write_outputs(const struct cli_options *o, const char *json, const char *csv)
{
	const char *paths[2] = {o->json, o->csv};
	const char *texts[2] = {json, csv};
	for (int i = 0; i < 2; i++) {
		if (paths[i] == NULL)
			continue;
		if (texts[i] == NULL) {
			fprintf(stderr, _("ccsim: out of memory while writing %s\n"), paths[i]);
			return EXIT_INTERNAL;
		}
		int status = i == 1 ? cli_write_csv(paths[i], texts[i], o->excel)
				    : cli_write_text(paths[i], texts[i], stderr);
		if (status != EXIT_OK)
			return status;
	}
	return EXIT_OK;
}
