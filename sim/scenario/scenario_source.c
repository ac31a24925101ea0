/*
 * Reading a scenario file (libconfig syntax) into a resolved struct
 * scenario, reporting every problem at once as FILE:LINE: message
 * (docs/model.md section 2).
 */
#include "scenario_int.h"
#include "i18n.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

struct scenario_source {
	config_t config;     /* the parse; settings point back to it, so it never moves */
	struct literal_map map; /* where each line of the parsed text was written */
	char *path;          /* the file read (NULL: a text) */
	char *shown;         /* the name messages and the scenario use */
	char *directory;     /* where @include looks */
	/* a layered scenario (city.cfg+plan.cfg): its files, and what the later ones wrote */
	int n_layers;
	char **layers;
	struct layer_merge merge;
	struct split_parts *parts; /* the config's long district list as parsed, NULL: none */
};

/* The line LINE of the prepared text has in its own file. */
static int own_line(const struct literal_map *map, int line)
{
	return line > 0 && line <= map->n_lines ? map->origin[line].line : line;
}

/* The lines the scenario keeps for later messages, in their own files;
 * -1 when out of memory. */
static int map_lines(struct scenario *s, const struct literal_map *map)
{
	for (int i = 0; i < s->n_policies; i++) {
		int line = s->policies[i].line;
		int file = line > 0 && line <= map->n_lines ? map->origin[line].file : 0;
		if (file > 0 && (s->policies[i].file = strdup(map->files[file])) == NULL)
			return -1;
		s->policies[i].line = own_line(map, s->policies[i].line);
		for (int j = 0; j < s->policies[i].n_params; j++)
			s->policies[i].params[j].line = own_line(map, s->policies[i].params[j].line);
	}
	for (int i = 0; i < s->n_sensitivity; i++) {
		int line = s->sensitivity[i].line;
		int file = line > 0 && line <= map->n_lines ? map->origin[line].file : 0;
		if (file > 0 && (s->sensitivity[i].file = strdup(map->files[file])) == NULL)
			return -1;
		s->sensitivity[i].line = own_line(map, line);
	}
	for (int i = 0; i < s->n_levers; i++) {
		int line = s->levers[i].line;
		int file = line > 0 && line <= map->n_lines ? map->origin[line].file : 0;
		if (file > 0 && (s->levers[i].file = strdup(map->files[file])) == NULL)
			return -1;
		s->levers[i].line = own_line(map, line);
	}
	s->budget.line = own_line(map, s->budget.line);
	return 0;
}

/* The file and line of the combined text's LINE: a fresh copy of the file's name. */
static char *file_of(const struct literal_map *map, int line, int *own)
{
	*own = own_line(map, line);
	int file = line > 0 && line <= map->n_lines ? map->origin[line].file : 0;
	return strdup(map->files[file]);
}

/* The layers of SRC and what the later ones wrote, copied into S; -1 when out of memory. */
static int copy_layers(struct scenario *s, const struct scenario_source *src)
{
	if (src->n_layers < 2)
		return 0;
	s->layers = calloc((size_t)src->n_layers, sizeof *s->layers);
	s->origins = calloc((size_t)src->merge.n + 1, sizeof *s->origins);
	if (s->layers == NULL || s->origins == NULL)
		return -1;
	for (; s->n_layers < src->n_layers; s->n_layers++)
		if ((s->layers[s->n_layers] = strdup(src->layers[s->n_layers])) == NULL)
			return -1;
	while (s->n_origins < src->merge.n) {
		const struct layer_origin *o = &src->merge.origins[s->n_origins];
		/* counted at once: scenario_free frees what it holds if a copy fails */
		struct scenario_origin *to = &s->origins[s->n_origins++];
		to->kind = o->kind;
		to->path = strdup(o->path);
		to->file = file_of(&src->map, o->line, &to->line);
		if (o->replaced > 0 && (to->replaced_file = file_of(&src->map, o->replaced, &to->replaced_line)) == NULL)
			return -1;
		if (to->path == NULL || to->file == NULL)
			return -1;
	}
	return 0;
}

/* The errors (not warnings) D holds from BEFORE on, an out-of-memory one included. */
static int errors_since(const struct diag *d, int before)
{
	int n = d->out_of_memory;
	for (int i = before; i < d->count; i++)
		n += d->entries[i].kind != DIAG_WARNING;
	return n;
}

/*
 * The warnings D holds from BEFORE on, copied into S's own list; with
 * SCENARIO_STRICT made errors instead. -1 when out of memory.
 */
static int keep_warnings(struct scenario *s, struct diag *d, int before, unsigned flags)
{
	s->warnings.file = s->file;
	for (int i = before; i < d->count; i++) {
		struct diag_entry *e = &d->entries[i];
		if (e->kind != DIAG_WARNING)
			continue;
		if (flags & SCENARIO_STRICT) {
			size_t n = strlen(e->message) + 32;
			char *message = malloc(n);
			if (message == NULL)
				return -1;
			snprintf(message, n, _("%s (an error with --strict)"), e->message);
			free(e->message);
			e->message = message;
			e->kind = DIAG_INPUT;
			continue;
		}
		diag_add_at(&s->warnings, DIAG_WARNING, e->file ? e->file : d->file, e->line, "%s",
			    e->message);
	}
	return s->warnings.out_of_memory ? -1 : 0;
}

/*
 * SETTINGS[N] followed by a probe for each path of ROOT's sensitivity list,
 * fresh: *TOTAL receives the count, *PROBE_OF each one's entry number (0 for
 * SETTINGS) and *LINES the entries' lines. NULL when out of memory.
 */
static struct parameter_setting *with_probes(const config_setting_t *root,
					     const struct parameter_setting *settings, int n,
					     int *total, int **probe_of, int **lines)
{
	const config_setting_t *list = access_member(root, "sensitivity");
	int probes = list && config_setting_is_list(list) ? config_setting_length(list) : 0;
	struct parameter_setting *all = calloc((size_t)(n + probes + 1), sizeof *all);
	*probe_of = calloc((size_t)(n + probes + 1), sizeof **probe_of);
	*lines = calloc((size_t)(probes + 1), sizeof **lines);
	if (all == NULL || *probe_of == NULL || *lines == NULL) {
		free(all);
		free(*probe_of);
		free(*lines);
		return NULL;
	}
	if (n > 0)
		memcpy(all, settings, (size_t)n * sizeof *all);
	*total = n;
	for (int i = 0; i < probes; i++) {
		const config_setting_t *entry = config_setting_get_elem(list, (unsigned)i);
		const config_setting_t *path = config_setting_is_group(entry)
						       ? access_member(entry, "path") : NULL;
		(*lines)[i] = access_line(entry);
		if (path == NULL || config_setting_type(path) != CONFIG_TYPE_STRING)
			continue;
		(*probe_of)[*total] = i + 1;
		all[(*total)++] = (struct parameter_setting){config_setting_get_string(path), 0.0, 0, 0};
	}
	return all;
}

/* The sensitivity list's ranges, each kept within its key's range (docs/model.md 2.5). */
static void check_sensitivity_ranges(const struct scenario *s, struct diag *d)
{
	for (int i = 0; i < s->n_sensitivity; i++) {
		const struct sensitivity_input *in = &s->sensitivity[i];
		char why[600];
		if (scenario_range_check(s, in->path, in->low, in->high, why, sizeof why) == 1)
			diag_add(d, in->line, _("sensitivity entry %d: %s from %g to %g leaves the key's "
				 "range: %s"), i + 1, in->path, in->low, in->high, why);
	}
}

static struct scenario *resolve_all(const struct scenario_source *src,
				    struct parameter_setting *settings, int n_settings,
				    const int *probe_of, const int *probe_lines, unsigned flags,
				    struct diag *d);

/* Resolves the parsed source SRC with SETTINGS (FLAGS: SCENARIO_STRICT); the
 * sensitivity list's paths are checked with them. */
static struct scenario *resolve(const struct scenario_source *src, struct parameter_setting *given,
				int n_given, unsigned flags, struct diag *d)
{
	int n_settings = 0, *probe_of = NULL, *probe_lines = NULL;
	struct parameter_setting *settings = with_probes(config_root_setting(&src->config), given,
							 n_given, &n_settings, &probe_of, &probe_lines);
	if (settings == NULL) {
		diag_no_memory(d, _("reading the scenario"));
		return NULL;
	}
	struct scenario *s = resolve_all(src, settings, n_settings, probe_of, probe_lines, flags, d);
	for (int i = 0; i < n_given; i++) { /* what the loader marked */
		given[i].used = settings[i].used;
		given[i].integer = settings[i].integer;
	}
	free(settings);
	free(probe_of);
	free(probe_lines);
	return s;
}

/* Resolves SRC with SETTINGS, probes included (PROBE_OF, PROBE_LINES: with_probes'). */
static struct scenario *resolve_all(const struct scenario_source *src,
				    struct parameter_setting *settings, int n_settings,
				    const int *probe_of, const int *probe_lines, unsigned flags,
				    struct diag *d)
{
	const config_setting_t *root = config_root_setting(&src->config);
	const struct literal_map *map = &src->map;
	const char *shown = src->shown;
	int before = d->count;
	struct scenario *s = calloc(1, sizeof *s);
	if (s == NULL) {
		diag_no_memory(d, _("reading the scenario"));
		return NULL;
	}
	struct loader L = {.d = d, .s = s, .settings = settings, .n_settings = n_settings,
			  .file = src->path, .directory = src->directory, .map = map, .n_known = -1,
			  .n_fields = -1, .probe_of = probe_of, .probe_lines = probe_lines};
	s->file = access_copy(&L, shown);
	for (int i = 0; i < n_settings; i++) {
		settings[i].used = 0;
		L.n_scales += settings_scales(&settings[i]) && !settings_probe(&L, &settings[i]);
	}
	if (!L.out_of_memory)
		sections_read(&L, root);
	if (!L.out_of_memory)
		settings_report_unused(&L);
	if (errors_since(d, before) == 0)
		check_sensitivity_ranges(s, d);
	if (errors_since(d, before) == 0)
		warnings_check(&L, root);
	settings_free_offered(&L);
	if (s->name == NULL && !L.out_of_memory)
		s->name = access_copy(&L, base_name(shown));
	if (errors_since(d, before) == 0)
		scenario_derive(s, d);
	literal_map_entries(map, d, before);
	if (map_lines(s, map) != 0)
		diag_no_memory(d, _("reading the scenario"));
	if (errors_since(d, before) == 0 && copy_layers(s, src) != 0)
		diag_no_memory(d, _("reading the scenario"));
	if (errors_since(d, before) == 0 && keep_warnings(s, d, before, flags) != 0)
		diag_no_memory(d, _("reading the scenario"));
	if (errors_since(d, before) != 0) {
		scenario_free(s);
		return NULL;
	}
	return s;
}

/* Reports why CONFIG could not parse PREPARED (whose lines MAP places), in
 * the file the error is in (@include'd files are found in DIRECTORY, NULL: here). */
static void report_read_error(const config_t *config, const char *prepared,
			      const struct literal_map *map, const char *directory, struct diag *d)
{
	char path[4096], name[256];
	const char *file = config_error_file(config);
	int line = config_error_line(config), first;
	if (file != NULL && file[0] != '/' && directory != NULL) {
		snprintf(path, sizeof path, "%s/%s", directory, file);
		file = path;
	}
	if (config_error_type(config) == CONFIG_ERR_FILE_IO) {
		diag_add_at(d, DIAG_INPUT, file, 0, _("cannot read the file: %s"), strerror(errno));
	} else if (file == NULL && strcmp(config_error_text(config), "duplicate setting name") == 0 &&
		   literal_duplicate(prepared, line, name, sizeof name, &first)) {
		/* where it was first given: maybe another file (an @include'd one) */
		int same = first > 0 && first <= map->n_lines && line <= map->n_lines &&
			   map->origin[first].file == map->origin[line].file;
		char where[1200];
		if (same)
			snprintf(where, sizeof where, _("line %d"), own_line(map, first));
		else if (first > 0 && first <= map->n_lines)
			snprintf(where, sizeof where, "%s:%d", map->files[map->origin[first].file],
				 own_line(map, first));
		else
			snprintf(where, sizeof where, _("line %d"), first);
		diag_add(d, line, _("'%s' is given twice in the same group (also at %s): give each "
			 "setting once; to change a value another file sets, read a file on top of it "
			 "(ccsim run base.cfg+plan.cfg)"), name, where);
	} else {
		diag_add_at(d, DIAG_INPUT, file, line,
			    _("%s (libconfig syntax: key = value; groups { }, lists ( ), arrays [ ])"),
			    config_error_text(config));
	}
}

int scenario_source_files(const struct scenario_source *src, const char *const **files)
{
	*files = (const char *const *)src->map.files;
	return src->map.n_files;
}

void scenario_source_free(struct scenario_source *src)
{
	if (src == NULL)
		return;
	split_destroy(&src->config, src->parts);
	literal_map_free(&src->map);
	for (int i = 0; i < src->n_layers; i++)
		free(src->layers[i]);
	free(src->layers);
	layers_merge_free(&src->merge);
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
		diag_no_memory(d, _("reading the scenario"));
		return NULL;
	}
	config_init(&src->config);
	src->path = path ? strdup(path) : NULL;
	src->shown = strdup(shown);
	/* @include resolves beside the scenario itself. */
	src->directory = path ? strdup(path) : NULL;
	if ((path && (src->path == NULL || src->directory == NULL)) || src->shown == NULL) {
		scenario_source_free(src);
		diag_no_memory(d, _("reading the scenario"));
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
	int ok = split_read(&src->config, prepared, &src->parts);
	if (!ok) {
		int before = d->count;
		report_read_error(&src->config, prepared, &src->map, src->directory, d);
		literal_map_entries(&src->map, d, before);
		scenario_source_free(src);
	}
	free(prepared);
	return ok ? src : NULL;
}

/* ---- layered files (city.cfg+plan.cfg) ------------------------------------ */

static void free_layers(char **layers, int n)
{
	for (int i = 0; layers != NULL && i < n; i++)
		free(layers[i]);
	free(layers);
}

/*
 * The files of PATH into *LAYERS: PATH itself when it names a file or has
 * no '+', else its parts between the '+'. The count, or -1 with the problem
 * in D (a part is empty, or memory ran out).
 */
static int split_layers(const char *path, char ***layers, struct diag *d)
{
	struct stat st;
	int n = 1;
	if (strchr(path, '+') != NULL && stat(path, &st) != 0)
		for (const char *p = path; *p; p++)
			n += *p == '+';
	*layers = calloc((size_t)n, sizeof **layers);
	if (*layers == NULL) {
		diag_no_memory(d, _("reading the scenario"));
		return -1;
	}
	const char *start = path;
	for (int i = 0; i < n; i++) {
		const char *plus = n > 1 ? strchr(start, '+') : NULL;
		size_t length = plus ? (size_t)(plus - start) : strlen(start);
		if (length == 0) {
			diag_add(d, 0, _("a file name is missing %s '+' in '%s': a layered scenario is "
				 "BASE.cfg+PLAN.cfg, each later file read on top of the earlier ones"),
				 plus ? _("before") : _("after"), path);
			free_layers(*layers, i);
			return -1;
		}
		(*layers)[i] = strndup(start, length);
		if ((*layers)[i] == NULL) {
			free_layers(*layers, i);
			diag_no_memory(d, _("reading the scenario"));
			return -1;
		}
		start = plus ? plus + 1 : start + length;
	}
	return n;
}

/* Gives every entry of D from FROM on without a file of its own the name FILE. */
static void name_entries(struct diag *d, int from, const char *file)
{
	for (int i = from; i < d->count; i++)
		if (d->entries[i].file == NULL)
			d->entries[i].file = strdup(file); /* NULL when out of memory: the list's file */
}

/* Appends the lines of FROM (whose file names it gives up) after those of TO; -1 when out of memory. */
static int map_append(struct literal_map *to, struct literal_map *from)
{
	char **files = realloc(to->files, (size_t)(to->n_files + from->n_files) * sizeof *files);
	if (files == NULL)
		return -1;
	to->files = files;
	void *origin = realloc(to->origin, (size_t)(to->n_lines + from->n_lines + 1) * sizeof *to->origin);
	if (origin == NULL)
		return -1;
	to->origin = origin;
	for (int i = 1; i <= from->n_lines; i++) {
		to->origin[to->n_lines + i].file = from->origin[i].file + to->n_files;
		to->origin[to->n_lines + i].line = from->origin[i].line;
	}
	for (int i = 0; i < from->n_files; i++) {
		to->files[to->n_files + i] = from->files[i];
		from->files[i] = NULL;
	}
	to->n_files += from->n_files;
	to->n_lines += from->n_lines;
	return 0;
}

/* The folder of FILE, fresh (NULL: the current directory, or out of memory). */
static char *folder_of(const char *file)
{
	const char *slash = strrchr(file, '/');
	return slash ? strndup(file, (size_t)(slash - file)) : NULL;
}

/*
 * Reads layer K of SRC: parsed alone, its lines placed after the earlier
 * layers' in the combined map, then merged into the tree (the first layer
 * is the tree). Its problems are reported under its own name.
 */
static void read_layer(struct scenario_source *src, int k, struct diag *d)
{
	const char *file = src->layers[k];
	int from = d->count;
	size_t length;
	char *text = literal_read_file(file, file, 0, d, &length);
	if (text == NULL)
		return;
	char *folder = folder_of(file);
	struct literal_map map;
	char *prepared = literal_prepare(text, length, file, folder, d, &map);
	free(text);
	config_t own;
	config_t *config = k == 0 ? &src->config : &own;
	if (k > 0)
		config_init(&own);
	if (prepared != NULL && !split_read(config, prepared, k == 0 ? &src->parts : NULL)) {
		int before = d->count;
		report_read_error(config, prepared, &map, folder, d);
		literal_map_entries(&map, d, before);
	} else if (prepared != NULL) {
		layers_shift_lines(config_root_setting(config), src->map.n_lines);
		if (map_append(&src->map, &map) != 0) {
			diag_no_memory(d, _("reading the scenario"));
		} else if (k > 0) {
			int before = d->count;
			layers_merge(config_root_setting(&src->config), config_root_setting(&own), &src->merge);
			if (src->merge.failed)
				diag_no_memory(d, _("reading the scenario"));
			literal_map_entries(&src->map, d, before);
		}
	}
	name_entries(d, from, file);
	if (prepared != NULL)
		literal_map_free(&map);
	if (k > 0)
		config_destroy(&own);
	free(prepared);
	free(folder);
}

/* Reads the N files of LAYERS (taken) on top of each other, shown as PATH. */
static struct scenario_source *read_layers(const char *path, char **layers, int n, struct diag *d)
{
	struct scenario_source *src = source_new(NULL, path, d);
	if (src == NULL) {
		free_layers(layers, n);
		return NULL;
	}
	src->layers = layers;
	src->n_layers = n;
	src->merge.d = d;
	src->merge.map = &src->map;
	/* the combined map's file 0 is the whole name, which no line has */
	src->map.files = calloc(1, sizeof *src->map.files);
	if (src->map.files == NULL || (src->map.files[0] = strdup(path)) == NULL) {
		scenario_source_free(src);
		diag_no_memory(d, _("reading the scenario"));
		return NULL;
	}
	src->map.n_files = 1;
	int before = d->count;
	for (int k = 0; k < n && !d->out_of_memory; k++)
		read_layer(src, k, d);
	if (d->count != before || d->out_of_memory) {
		scenario_source_free(src);
		return NULL;
	}
	return src;
}

const char *scenario_last_layer(const char *path)
{
	struct stat st;
	const char *plus = strrchr(path, '+');
	if (plus == NULL || plus[1] == '\0' || stat(path, &st) == 0)
		return path;
	return plus + 1;
}

struct scenario_source *scenario_source_read(const char *path, struct diag *d)
{
	char **layers;
	int n = split_layers(path, &layers, d);
	if (n < 0)
		return NULL;
	if (n > 1)
		return read_layers(path, layers, n, d);
	free_layers(layers, n);
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
	return scenario_source_resolve_with(src, settings, n, 0, d);
}

struct scenario *scenario_source_resolve_with(const struct scenario_source *src,
					      const struct parameter_setting *settings, int n,
					      unsigned flags, struct diag *d)
{
	struct parameter_setting *own = calloc((size_t)(n > 0 ? n : 1), sizeof *own);
	if (own == NULL) {
		diag_no_memory(d, _("reading the scenario"));
		return NULL;
	}
	for (int i = 0; i < n; i++)
		own[i] = settings[i];
	struct scenario *s = resolve(src, own, n, flags, d);
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
	struct scenario *s = resolve(src, settings, n_settings, 0, d);
	scenario_source_free(src);
	return s;
}

struct scenario *scenario_load_string(const char *text, struct diag *d)
{
	struct scenario_source *src = scenario_source_read_string(text, d->file ? d->file : "<string>", d);
	if (src == NULL)
		return NULL;
	struct scenario *s = resolve(src, NULL, 0, 0, d);
	scenario_source_free(src);
	return s;
}
