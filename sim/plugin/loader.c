/*
 * loader: where plugins are found (struct plugin_path) and how a plugin's
 * file becomes its table { name, description, params, setup, week } in a
 * sandboxed state.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include "plugin_int.h"
#include "ccsim_limits.h"

#include <ctype.h>
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "text.h"
#include "i18n.h"

#ifndef CCSIM_PLUGIN_DIR
#define CCSIM_PLUGIN_DIR "/usr/local/share/ccsim/plugins"
#endif

static void path_add(struct plugin_path *path, const char *dir)
{
	if (dir[0] == '\0')
		return;
	char **dirs = realloc(path->dirs, (size_t)(path->n + 1) * sizeof *dirs);
	char *copy = text_copy(dir);
	if (dirs == NULL || copy == NULL) {
		free(copy);
		if (dirs != NULL)
			path->dirs = dirs;
		path->out_of_memory = 1;
		return;
	}
	path->dirs = dirs;
	path->dirs[path->n++] = copy;
}

void plugin_path_init(struct plugin_path *path, const char *scenario_file)
{
	memset(path, 0, sizeof *path);
	if (scenario_file != NULL) {
		char *dir = text_copy(scenario_file);
		char *slash = dir ? strrchr(dir, '/') : NULL;
		if (dir == NULL)
			path->out_of_memory = 1;
		else if (slash == NULL)
			path_add(path, ".");
		else {
			slash[slash == dir ? 1 : 0] = '\0';
			path_add(path, dir);
		}
		free(dir);
	}
	const char *env = getenv("CCSIM_PLUGIN_PATH");
	if (env != NULL) {
		char *dirs = text_copy(env);
		if (dirs == NULL)
			path->out_of_memory = 1;
		for (char *next, *dir = dirs; dir != NULL; dir = next) {
			next = strchr(dir, ':');
			if (next != NULL)
				*next++ = '\0';
			path_add(path, dir);
		}
		free(dirs);
	}
	path_add(path, CCSIM_PLUGIN_DIR);
#ifdef CCSIM_SOURCE_PLUGIN_DIR
	path_add(path, CCSIM_SOURCE_PLUGIN_DIR);
#endif
}

static void file_free(struct plugin_file *f)
{
	free(f->stem);
	free(f->file);
	free(f->text);
	free(f->error);
}

void plugin_path_free(struct plugin_path *path)
{
	for (int i = 0; i < path->n; i++)
		free(path->dirs[i]);
	free(path->dirs);
	for (int i = 0; i < path->n_files; i++) {
		file_free(path->files[i]);
		free(path->files[i]);
	}
	free(path->files);
	memset(path, 0, sizeof *path);
}

int loader_valid_name(const char *name)
{
	if (name[0] == '\0')
		return 0;
	for (const char *c = name; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-')
			return 0;
	return 1;
}

/* The file of plugin NAME: the first DIR/NAME.lua on PATH that exists. */
static int loader_find(const struct plugin_path *path, const char *name, char *out, size_t size)
{
	for (int i = 0; i < path->n; i++) {
		snprintf(out, size, "%s/%s.lua", path->dirs[i], name);
		if (access(out, R_OK) == 0)
			return 1;
	}
	return 0;
}

const char *loader_base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

char *loader_read(const char *file, size_t *length, char *error, size_t size, int *no_memory)
{
	/* a link to another kind of file (a secret, a device): never read, so
	 * that no message can quote it */
	char *real = realpath(file, NULL);
	if (real != NULL) {
		size_t n = strlen(real);
		int lua = n > 4 && strcmp(real + n - 4, ".lua") == 0;
		free(real);
		if (!lua) {
			snprintf(error, size, _("%s links to a file whose name does not end in .lua; "
				 "a plugin must be a .lua file"), file);
			return NULL;
		}
	}
	/* not blocking on a FIFO: only a regular file is read */
	int fd = open(file, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	if (fd < 0) {
		snprintf(error, size, _("cannot open %s"), file);
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(error, size, _("%s is not a regular file"), file);
		close(fd);
		return NULL;
	}
	if (st.st_size > LIMIT_PLUGIN_FILE) {
		snprintf(error, size, _("%s is larger than %d bytes"), file, LIMIT_PLUGIN_FILE);
		close(fd);
		return NULL;
	}
	char *text = malloc(LIMIT_PLUGIN_FILE + 1);
	size_t n = 0;
	ssize_t got = 1;
	while (text != NULL && n <= LIMIT_PLUGIN_FILE && got > 0) {
		got = read(fd, text + n, LIMIT_PLUGIN_FILE + 1 - n);
		if (got > 0)
			n += (size_t)got;
	}
	close(fd);
	if (text == NULL) {
		snprintf(error, size, _("out of memory while reading %s"), file);
		*no_memory = 1;
		return NULL;
	}
	if (got < 0 || n > LIMIT_PLUGIN_FILE) {
		snprintf(error, size, got < 0 ? _("cannot read %s") : _("%s is larger than %d bytes"), file,
			 LIMIT_PLUGIN_FILE);
		free(text);
		return NULL;
	}
	*length = n;
	return text;
}

/* Fills F for plugin STEM: found on PATH and read, or why not.
 * Returns 0, or -1 (F empty) when memory runs out. */
static int file_look_up(const struct plugin_path *path, const char *stem, struct plugin_file *f)
{
	char file[4096], error[1024];
	int no_memory = 0;
	memset(f, 0, sizeof *f);
	f->stem = text_copy(stem);
	if (f->stem != NULL && loader_find(path, stem, file, sizeof file)) {
		f->file = text_copy(file);
		f->text = loader_read(file, &f->length, error, sizeof error, &no_memory);
		if (f->text == NULL && !no_memory)
			f->error = text_copy(error);
		no_memory |= f->file == NULL || (f->text == NULL && f->error == NULL);
	}
	if (f->stem == NULL || no_memory) {
		file_free(f);
		memset(f, 0, sizeof *f);
		return -1;
	}
	return 0;
}

/* loader_source without the lock. */
static const struct plugin_file *source_of(struct plugin_path *path, const char *stem)
{
	for (int i = 0; i < path->n_files; i++)
		if (strcmp(path->files[i]->stem, stem) == 0)
			return path->files[i];
	struct plugin_file **files = realloc(path->files, (size_t)(path->n_files + 1) * sizeof *files);
	if (files == NULL)
		return NULL;
	path->files = files;
	struct plugin_file *f = malloc(sizeof *f);
	if (f == NULL || file_look_up(path, stem, f) != 0) {
		free(f);
		return NULL;
	}
	files[path->n_files] = f;
	return files[path->n_files++];
}

/* Variants may be prepared on several threads at once (study_prepare_each):
 * the files are looked up under a lock, and an entry never moves once made. */
const struct plugin_file *loader_source(struct plugin_path *path, const char *stem)
{
	const struct plugin_file *f;
#pragma omp critical(ccsim_plugin_loader)
	f = source_of(path, stem);
	return f;
}

void loader_push_table(lua_State *L, const char *text, size_t length, const char *file)
{
	struct sandbox *sb = sandbox_of(L);
	char chunkname[300];
	sandbox_set_file(sb, file);
	snprintf(chunkname, sizeof chunkname, "@%s", sb->file);
	if (luaL_loadbufferx(L, text, length, chunkname, "t") != LUA_OK)
		lua_error(L); /* the message: "FILE:LINE: ..." */
	lua_call(L, 0, 1);
	if (!lua_istable(L, -1))
		luaL_error(L, _("%s must return a table { name, description, params, setup, week }, "
			   "not a %s"), sb->file, luaL_typename(L, -1));
	static const struct {
		const char *key;
		int type;
		int required;
	} shape[] = {{"name", LUA_TSTRING, 1},    {"description", LUA_TSTRING, 1},
		     {"params", LUA_TTABLE, 0},   {"setup", LUA_TFUNCTION, 0},
		     {"week", LUA_TFUNCTION, 0}};
	/* raw: the table itself holds its fields, as they are read later */
	for (size_t i = 0; i < sizeof shape / sizeof *shape; i++) {
		int type = loader_field(L, -1, shape[i].key);
		lua_pop(L, 1);
		if (type != shape[i].type && (type != LUA_TNIL || shape[i].required))
			luaL_error(L, _("the plugin's '%s' must be a %s, not %s"), shape[i].key,
				   lua_typename(L, shape[i].type), lua_typename(L, type));
	}
}

int loader_field(lua_State *L, int index, const char *key)
{
	index = lua_absindex(L, index);
	lua_pushstring(L, key);
	return lua_rawget(L, index);
}
