#include "cli.h"
#include "ccsim_limits.h"

#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic_file.h"
#include "experiment.h"
#include "report.h"


void cli_options_init(struct cli_options *o)
{
	memset(o, 0, sizeof *o);
	o->threads = omp_get_num_procs();
	o->max_reps = 10000000;
}

int cli_usage_error(const char *command, const char *message)
{
	fprintf(stderr, "ccsim %s: %s\nTry 'ccsim %s --help'.\n", command, message, command);
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
		snprintf(error, size, "'%s' is not %s", text, form);
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
		snprintf(error, size, "'%s=...' is not %s%s", text, form,
			 want_steps ? " with 2 to 1000 steps" : "");
		return -1;
	}
	if (*lo > *hi) {
		snprintf(error, size, "%s: LO (%g) is above HI (%g)", text, *lo, *hi);
		return -1;
	}
	if (steps)
		*steps = (int)count;
	return 0;
}

int cli_common_option(struct cli_options *o, int opt, char *arg, const char *command,
		      const char *usage)
{
	unsigned long long value;
	char error[512];
	switch (opt) {
	case 'n':
		if (cli_parse_count(arg, 1, 1ULL << 53, &value) != 0)
			return cli_usage_error(command, "--reps takes a whole number from 1 to 2^53");
		o->have_reps = 1;
		o->reps = (int64_t)value;
		return 0;
	case 's':
		if (cli_parse_count(arg, 0, ~0ULL, &value) != 0)
			return cli_usage_error(command, "--seed takes a whole number from 0 to 2^64-1");
		o->have_seed = 1;
		o->seed = value;
		return 0;
	case 't':
		if (cli_parse_count(arg, 1, LIMIT_THREADS, &value) != 0)
			return cli_usage_error(command, "--threads takes a whole number from 1 to 1024");
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
	case 'S':
		if (o->n_settings == (int)(sizeof o->settings / sizeof o->settings[0]))
			return cli_usage_error(command, "too many --set");
		if (parse_setting(arg, &o->settings[o->n_settings], error, sizeof error) != 0)
			return cli_usage_error(command, error);
		o->n_settings++;
		return 0;
	case 'P':
		if (parse_real(arg, &o->precision) != 0 || !(o->precision > 0.0 && o->precision < 0.5))
			return cli_usage_error(command, "--precision takes a half-width in (0, 0.5), "
							"e.g. 0.005");
		return 0;
	case 'M':
		if (cli_parse_count(arg, 1, 1ULL << 53, &value) != 0)
			return cli_usage_error(command, "--max-reps takes a whole number from 1 to 2^53");
		o->max_reps = (int64_t)value;
		return 0;
	case 'h':
		fputs(usage, stdout);
		return -1;
	default:
		return 1;
	}
}

void cli_options_join(struct cli_options *o, struct cluster *cluster)
{
	o->cluster = cluster;
	if (!cluster_writes(cluster)) {
		o->json = NULL;
		o->csv = NULL;
		o->quiet = 1;
	}
}

struct run_options cli_run_options(const struct cli_options *o, const struct scenario *s)
{
	struct run_options run = {
		.seed = o->have_seed ? o->seed : (s->has_seed ? s->seed : EXPERIMENT_DEFAULT_SEED),
		.replications = o->have_reps ? o->reps
					     : (s->has_replications ? s->replications
								    : EXPERIMENT_DEFAULT_REPLICATIONS),
		.threads = o->threads,
		.precision = o->precision,
		.cluster = o->cluster,
	};
	if (o->precision > 0.0 && !o->have_reps)
		run.replications = o->max_reps;
	return run;
}

void progress_start(struct progress_bar *bar, int quiet)
{
	bar->shown = !quiet && isatty(STDERR_FILENO);
	bar->started = omp_get_wtime();
	bar->drawn = 0;
}

void progress_update(void *context, int64_t done, int64_t total)
{
	struct progress_bar *bar = context;
	if (!bar->shown || total <= 0)
		return;
	double elapsed = omp_get_wtime() - bar->started;
	double share = (double)done / (double)total;
	double rate = elapsed > 0.0 ? (double)done / elapsed : 0.0;
	double left = rate > 0.0 ? (double)(total - done) / rate : 0.0;
	char bar_text[31];
	int filled = (int)(share * 30.0);
	for (int i = 0; i < 30; i++)
		bar_text[i] = i < filled ? '#' : '.';
	bar_text[30] = '\0';
	fprintf(stderr, "\r[%s] %5.1f %% %lld/%lld, %.0f reps/s, %d:%02d left ", bar_text,
		100.0 * share, (long long)done, (long long)total, rate, (int)left / 60, (int)left % 60);
	fflush(stderr);
	bar->drawn = 1;
}

void progress_finish(struct progress_bar *bar)
{
	if (bar->shown && bar->drawn)
		fputc('\n', stderr);
	bar->drawn = 0;
}

int cli_write_text(const char *path, const char *text, FILE *err)
{
	char error[512];
	if (atomic_write(path, text, strlen(text), error, sizeof error) != 0) {
		fprintf(err, "ccsim: %s\n", error);
		return EXIT_INTERNAL;
	}
	return EXIT_OK;
}

int cli_write_json(const char *path, json_t *root, FILE *err)
{
	char *text = report_json_text(root);
	if (text == NULL) {
		fprintf(err, "ccsim: out of memory while writing %s\n", path);
		return EXIT_INTERNAL;
	}
	int status = cli_write_text(path, text, err);
	free(text);
	return status;
}
