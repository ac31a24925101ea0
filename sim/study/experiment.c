#include "experiment.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

int parse_setting(char *text, struct parameter_setting *out, char *error, size_t size)
{
	char *equals = strchr(text, '=');
	if (equals == NULL || equals == text) {
		snprintf(error, size, "'%s' is not PATH=VALUE (e.g. districts.Xigu.rectify_rate=0.2)", text);
		return -1;
	}
	*equals = '\0';
	char *end;
	errno = 0;
	double value = strtod(equals + 1, &end);
	if (equals[1] == '\0' || *end != '\0' || errno != 0 || !isfinite(value)) {
		snprintf(error, size, "'%s=%s': the value must be a number", text, equals + 1);
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

int parse_variant(char *text, struct variant *out, char *error, size_t size)
{
	memset(out, 0, sizeof *out);
	char *colon = strchr(text, ':');
	if (colon == NULL || colon == text) {
		snprintf(error, size, "'%s' is not \"NAME: PATH=VALUE, PATH=VALUE\"", text);
		return -1;
	}
	*colon = '\0';
	out->name = strdup(text);
	int capacity = 1;
	for (char *c = colon + 1; *c; c++)
		capacity += *c == ',';
	out->settings = calloc((size_t)capacity, sizeof *out->settings);
	if (out->name == NULL || out->settings == NULL) {
		variant_free(out);
		snprintf(error, size, "out of memory");
		return -1;
	}
	for (char *next, *item = colon + 1; item != NULL; item = next) {
		next = strchr(item, ',');
		if (next != NULL)
			*next++ = '\0';
		while (*item == ' ')
			item++;
		if (*item == '\0')
			continue;
		if (parse_setting(item, &out->settings[out->n], error, size) != 0) {
			variant_free(out);
			return -1;
		}
		out->n++;
	}
	if (out->n == 0) {
		snprintf(error, size, "variant '%s' sets no parameter", out->name);
		variant_free(out);
		return -1;
	}
	return 0;
}

void variant_free(struct variant *v)
{
	free(v->name);
	free(v->settings);
	memset(v, 0, sizeof *v);
}

int prepare_variant(const char *file, const struct parameter_setting *common, int n_common,
		    struct parameter_setting *own, int n_own, const uint64_t *seed,
		    scenario_transform transform, void *context, struct prepared *out, FILE *err)
{
	int n = n_common + n_own;
	struct parameter_setting *settings = calloc((size_t)n + 1, sizeof *settings);
	struct diag d;
	out->scenario = NULL;
	out->plugins = NULL;
	if (settings == NULL) {
		fprintf(err, "ccsim: out of memory\n");
		return 1;
	}
	for (int i = 0; i < n_common; i++)
		settings[i] = common[i];
	for (int i = 0; i < n_own; i++)
		settings[n_common + i] = own[i];
	diag_init(&d, file);
	out->scenario = scenario_load_file_with(file, settings, n, &d);
	for (int i = 0; i < n_own; i++)
		own[i].integer = settings[n_common + i].integer;
	free(settings);
	int status = out->scenario ? 0 : 2;
	if (status == 0 && transform != NULL && transform(out->scenario, context) != 0) {
		fprintf(err, "ccsim: out of memory\n");
		status = 1;
	}
	if (status == 0) {
		struct plugin_path path;
		char error[4096];
		enum plugin_status plugin_status;
		const struct scenario *s = out->scenario;
		uint64_t setup_seed = seed ? *seed : (s->has_seed ? s->seed : EXPERIMENT_DEFAULT_SEED);
		plugin_path_init(&path, file);
		out->plugins = plugin_host_new(out->scenario, &path, setup_seed, &d, error, sizeof error,
					       &plugin_status);
		plugin_path_free(&path);
		if (out->plugins == NULL) {
			status = plugin_status == PLUGIN_BAD_SCENARIO ? 2 : plugin_status == PLUGIN_FAILED ? 3 : 1;
			if (status == 3)
				fprintf(err, "%s\n", error);
		}
	}
	if (d.count > 0) {
		diag_print(&d, err);
		fprintf(err, "ccsim: %d problem%s in %s; nothing was simulated\n", d.count,
			d.count == 1 ? "" : "s", file);
	} else if (status == 3) {
		fprintf(err, "ccsim: a policy plugin failed; nothing was simulated\n");
	}
	diag_free(&d);
	if (status != 0)
		prepared_free(out);
	return status;
}

void prepared_free(struct prepared *p)
{
	plugin_host_free(p->plugins);
	scenario_free(p->scenario);
	p->plugins = NULL;
	p->scenario = NULL;
}
