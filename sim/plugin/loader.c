/*
 * loader: where plugins are found (struct plugin_path) and how a plugin's
 * file becomes its table { name, description, params, setup, week } in a
 * sandboxed state.
 */
#include "plugin_int.h"
#include "ccsim_limits.h"

#include <ctype.h>
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "text.h"

#ifndef CCSIM_PLUGIN_DIR
#define CCSIM_PLUGIN_DIR "/usr/local/share/ccsim/plugins"
#endif

static void path_add(struct plugin_path *path, const char *dir)
{
	if (dir[0] == '\0')
		return;
	char **dirs = realloc(path->dirs, (size_t)(path->n + 1) * sizeof *dirs);
	if (dirs == NULL)
		abort();
	path->dirs = dirs;
	path->dirs[path->n++] = text_copy(dir);
}

void plugin_path_init(struct plugin_path *path, const char *scenario_file)
{
	path->n = 0;
	path->dirs = NULL;
	if (scenario_file != NULL) {
		char *dir = text_copy(scenario_file);
		char *slash = strrchr(dir, '/');
		if (slash == NULL)
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

void plugin_path_free(struct plugin_path *path)
{
	for (int i = 0; i < path->n; i++)
		free(path->dirs[i]);
	free(path->dirs);
	path->dirs = NULL;
	path->n = 0;
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
int loader_find(const struct plugin_path *path, const char *name, char *out, size_t size)
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

/* Reads FILE whole; NULL with a message in ERROR. */
static char *read_source(const char *file, size_t *length, char *error, size_t size)
{
	FILE *in = fopen(file, "rb");
	if (in == NULL) {
		snprintf(error, size, "cannot open %s", file);
		return NULL;
	}
	char *text = malloc(LIMIT_PLUGIN_FILE + 1);
	size_t n = text ? fread(text, 1, LIMIT_PLUGIN_FILE + 1, in) : 0;
	fclose(in);
	if (text == NULL || n > LIMIT_PLUGIN_FILE) {
		snprintf(error, size, "%s is larger than %d bytes", file, LIMIT_PLUGIN_FILE);
		free(text);
		return NULL;
	}
	*length = n;
	return text;
}

/*
 * Runs the plugin file FILE in L and leaves its table on the stack.
 * Returns 0, or -1 with "STEM: load: message" in ERROR.
 */
int loader_load_table(lua_State *L, struct sandbox *sb, const char *file, const char *stem,
		      char *error, size_t size)
{
	char message[512], chunkname[300];
	size_t length;
	char *text = read_source(file, &length, message, sizeof message);
	if (text == NULL) {
		snprintf(error, size, "%s: load: %.900s", stem, message);
		return -1;
	}
	snprintf(chunkname, sizeof chunkname, "@%s", loader_base_name(file));
	sandbox_arm(sb, LIMIT_PLUGIN_SETUP_INSTRUCTIONS);
	int status = luaL_loadbufferx(L, text, length, chunkname, "t");
	free(text);
	if (status == LUA_OK)
		status = lua_pcall(L, 0, 1, 0);
	if (status != LUA_OK) {
		snprintf(error, size, "%s: load: %.900s", stem, sandbox_failure(L, sb, message, sizeof message));
		lua_pop(L, 1);
		return -1;
	}
	if (!lua_istable(L, -1)) {
		snprintf(error, size, "%s: load: %s must return a table { name, description, params, "
			 "setup, week }, not a %s", stem, loader_base_name(file), luaL_typename(L, -1));
		lua_pop(L, 1);
		return -1;
	}
	static const struct {
		const char *key;
		int type;
		int required;
	} shape[] = {{"name", LUA_TSTRING, 1},    {"description", LUA_TSTRING, 1},
		     {"params", LUA_TTABLE, 0},   {"setup", LUA_TFUNCTION, 0},
		     {"week", LUA_TFUNCTION, 0}};
	for (size_t i = 0; i < sizeof shape / sizeof *shape; i++) {
		int type = lua_getfield(L, -1, shape[i].key);
		lua_pop(L, 1);
		if (type == shape[i].type || (type == LUA_TNIL && !shape[i].required))
			continue;
		snprintf(error, size, "%s: load: the plugin's '%s' must be a %s, not %s", stem,
			 shape[i].key, lua_typename(L, shape[i].type), lua_typename(L, type));
		lua_pop(L, 1);
		return -1;
	}
	return 0;
}
