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

/* The line LINE of the prepared text has in its own file. */
static int own_line(const struct literal_map *map, int line)
{
	return line > 0 && line <= map->n_lines ? map->origin[line].line : line;
}

/* The lines the scenario keeps for later messages, in their own files. */
static void map_lines(struct scenario *s, const struct literal_map *map)
{
	for (int i = 0; i < s->n_policies; i++) {
		s->policies[i].line = own_line(map, s->policies[i].line);
		for (int j = 0; j < s->policies[i].n_params; j++)
			s->policies[i].params[j].line = own_line(map, s->policies[i].params[j].line);
	}
	for (int i = 0; i < s->n_sensitivity; i++)
		s->sensitivity[i].line = own_line(map, s->sensitivity[i].line);
}

/* Resolves the parsed ROOT of FILE (NULL: a string) with SETTINGS. */
static struct scenario *resolve(const config_setting_t *root, const struct literal_map *map,
				const char *file, const char *directory, const char *shown,
				struct parameter_setting *settings, int n_settings, struct diag *d)
{
	int before = d->count;
	struct scenario *s = calloc(1, sizeof *s);
	if (s == NULL) {
		diag_no_memory(d, "reading the scenario");
		return NULL;
	}
	struct loader L = {.d = d, .s = s, .settings = settings, .n_settings = n_settings,
			  .file = file, .directory = directory, .n_known = -1, .n_fields = -1};
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
	literal_map_entries(map, d, before);
	map_lines(s, map);
	if (d->count != before || d->out_of_memory) {
		scenario_free(s);
		return NULL;
	}
	return s;
}

/* Reports why CONFIG could not be read, in the file the error is in
 * (@include'd files are found in DIRECTORY, NULL: here). */
static void report_read_error(const config_t *config, const char *directory, struct diag *d)
{
	char path[4096];
	const char *file = config_error_file(config);
	if (file != NULL && file[0] != '/' && directory != NULL) {
		snprintf(path, sizeof path, "%s/%s", directory, file);
		file = path;
	}
	if (config_error_type(config) == CONFIG_ERR_FILE_IO)
		diag_add_at(d, DIAG_INPUT, file, 0, "cannot read the file: %s", strerror(errno));
	else
		diag_add_at(d, DIAG_INPUT, file, config_error_line(config),
			    "%s (libconfig syntax: key = value; groups { }, lists ( ), arrays [ ])",
			    config_error_text(config));
}

struct scenario_source {
	config_t config;     /* the parse; settings point back to it, so it never moves */
	struct literal_map map; /* where each line of the parsed text was written */
	char *path;          /* the file read (NULL: a text) */
	char *shown;         /* the name messages and the scenario use */
	char *directory;     /* where @include looks */
};

void scenario_source_free(struct scenario_source *src)
{
	if (src == NULL)
		return;
	config_destroy(&src->config);
	literal_map_free(&src->map);
	free(src->path);
	free(src->shown);
	free(src->directory);
	free(src);
}

const char *scenario_source_path(const struct scenario_source *src)
{
	return src->shown;
}

/* A source with nothing parsed yet; NULL (reported) when out of memory. */
static struct scenario_source *source_new(const char *path, const char *shown, struct diag *d)
{
	struct scenario_source *src = calloc(1, sizeof *src);
	if (src == NULL) {
		diag_no_memory(d, "reading the scenario");
		return NULL;
	}
	config_init(&src->config);
	src->path = path ? strdup(path) : NULL;
	src->shown = strdup(shown);
	/* @include resolves beside the scenario itself. */
	src->directory = path ? strdup(path) : NULL;
	if ((path && (src->path == NULL || src->directory == NULL)) || src->shown == NULL) {
		scenario_source_free(src);
		diag_no_memory(d, "reading the scenario");
		return NULL;
	}
	char *slash = src->directory ? strrchr(src->directory, '/') : NULL;
	if (slash != NULL) {
		*slash = '\0';
		config_set_include_dir(&src->config, src->directory);
	} else {
		free(src->directory); /* @include resolves against the current directory */
		src->directory = NULL;
	}
	return src;
}

/* Parses TEXT (read from PATH, NULL: none) into a new source shown as SHOWN. */
static struct scenario_source *parse(const char *text, size_t length, const char *path,
				     const char *shown, struct diag *d)
{
	struct scenario_source *src = source_new(path, shown, d);
	if (src == NULL)
		return NULL;
	char *prepared = literal_prepare(text, length, shown, src->directory, d, &src->map);
	if (prepared == NULL) {
		scenario_source_free(src);
		return NULL;
	}
	int ok = config_read_string(&src->config, prepared);
	free(prepared);
	if (!ok) {
		int before = d->count;
		report_read_error(&src->config, src->directory, d);
		literal_map_entries(&src->map, d, before);
		scenario_source_free(src);
		return NULL;
	}
	return src;
}

struct scenario_source *scenario_source_read(const char *path, struct diag *d)
{
	size_t length;
	char *text = literal_read_file(path, NULL, 0, d, &length);
	if (text == NULL)
		return NULL;
	struct scenario_source *src = parse(text, length, path, path, d);
	free(text);
	return src;
}

struct scenario_source *scenario_source_read_string(const char *text, const char *name,
						    struct diag *d)
{
	return parse(text, strlen(text), NULL, name, d);
}

struct scenario *scenario_source_resolve(const struct scenario_source *src,
					 const struct parameter_setting *settings, int n,
					 struct diag *d)
{
	struct parameter_setting *own = calloc((size_t)(n > 0 ? n : 1), sizeof *own);
	if (own == NULL) {
		diag_no_memory(d, "reading the scenario");
		return NULL;
	}
	for (int i = 0; i < n; i++)
		own[i] = settings[i];
	struct scenario *s = resolve(config_root_setting(&src->config), &src->map, src->path, src->directory, src->shown, own, n, d);
	free(own);
	return s;
}

int scenario_path_is_integer(const char *path)
{
	const struct scenario_key *k = scenario_schema_match(path);
	return k != NULL && k->type == SCENARIO_TYPE_INTEGER;
}

/* ---- one read, one resolution ------------------------------------------- */

struct scenario *scenario_load_file(const char *path, struct diag *d)
{
	return scenario_load_file_with(path, NULL, 0, d);
}

struct scenario *scenario_load_file_with(const char *path, struct parameter_setting *settings,
					 int n_settings, struct diag *d)
{
	struct scenario_source *src = scenario_source_read(path, d);
	if (src == NULL)
		return NULL;
	struct scenario *s = resolve(config_root_setting(&src->config), &src->map, src->path, src->directory, src->shown, settings,
				     n_settings, d);
	scenario_source_free(src);
	return s;
}

struct scenario *scenario_load_string(const char *text, struct diag *d)
{
	struct scenario_source *src = scenario_source_read_string(text, d->file ? d->file : "<string>", d);
	if (src == NULL)
		return NULL;
	struct scenario *s = resolve(config_root_setting(&src->config), &src->map, NULL, NULL, src->shown, NULL, 0, d);
	scenario_source_free(src);
	return s;
}
