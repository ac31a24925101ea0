/*
 * Reading a scenario file (libconfig syntax) into a resolved struct
 * scenario, reporting every problem at once as FILE:LINE: message
 * (MODEL.md section 2).
 */
#include "scenario_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* Resolves the parsed ROOT of FILE (NULL: a string) with SETTINGS. */
static struct scenario *resolve(const config_setting_t *root, const char *file, const char *shown,
				struct parameter_setting *settings, int n_settings, struct diag *d)
{
	int before = d->count;
	struct scenario *s = calloc(1, sizeof *s);
	if (s == NULL) {
		diag_no_memory(d, "reading the scenario");
		return NULL;
	}
	struct loader L = {d, s, NULL, settings, n_settings, NULL, 0, 0, 0, file};
	s->file = access_copy(&L, shown);
	for (int i = 0; i < n_settings; i++)
		settings[i].used = 0;
	if (!L.out_of_memory)
		sections_read(&L, root);
	if (!L.out_of_memory)
		settings_report_unused(&L);
	settings_free_offered(&L);
	if (s->name == NULL && !L.out_of_memory)
		s->name = access_copy(&L, base_name(shown));
	if (d->count == before)
		scenario_derive(s, d);
	if (d->count != before || d->out_of_memory) {
		scenario_free(s);
		return NULL;
	}
	return s;
}

/* Reports why CONFIG could not be read. */
static void report_read_error(const config_t *config, struct diag *d)
{
	if (config_error_type(config) == CONFIG_ERR_FILE_IO)
		diag_add(d, 0, "cannot read the file: %s", strerror(errno));
	else
		diag_add(d, config_error_line(config),
			 "%s (libconfig syntax: key = value; groups { }, lists ( ), arrays [ ])",
			 config_error_text(config));
}

struct scenario *scenario_load_file(const char *path, struct diag *d)
{
	return scenario_load_file_with(path, NULL, 0, d);
}

struct scenario *scenario_load_file_with(const char *path, struct parameter_setting *settings,
					 int n_settings, struct diag *d)
{
	config_t config;
	config_init(&config);
	FILE *in = fopen(path, "r");
	if (in == NULL) {
		diag_add(d, 0, "cannot open the scenario: %s", strerror(errno));
		config_destroy(&config);
		return NULL;
	}
	/* @include resolves beside the scenario itself. */
	char *directory = strdup(path);
	if (directory == NULL) {
		fclose(in);
		config_destroy(&config);
		diag_no_memory(d, "reading the scenario");
		return NULL;
	}
	char *slash = strrchr(directory, '/');
	if (slash != NULL) {
		*slash = '\0';
		config_set_include_dir(&config, directory);
	}
	int ok = config_read(&config, in);
	int saved_errno = errno;
	fclose(in);
	errno = saved_errno;
	struct scenario *s = NULL;
	if (!ok)
		report_read_error(&config, d);
	else
		s = resolve(config_root_setting(&config), path, path, settings, n_settings, d);
	config_destroy(&config);
	free(directory);
	return s;
}

struct scenario *scenario_load_string(const char *text, struct diag *d)
{
	config_t config;
	config_init(&config);
	int ok = config_read_string(&config, text);
	struct scenario *s = NULL;
	if (!ok)
		report_read_error(&config, d);
	else
		s = resolve(config_root_setting(&config), NULL, d->file ? d->file : "<string>", NULL, 0, d);
	config_destroy(&config);
	return s;
}
