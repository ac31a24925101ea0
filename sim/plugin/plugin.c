#include "plugin.h"
#include "ccsim_limits.h"

#include <ctype.h>
#include <dirent.h>
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rng.h"
#include "sample.h"
#include "text.h"

#ifndef CCSIM_PLUGIN_DIR
#define CCSIM_PLUGIN_DIR "/usr/local/share/ccsim/plugins"
#endif

#define HOOK_STEP 10000                 /* instructions between two budget checks */
#define SETUP_REPLICATION UINT64_MAX    /* the stream setup's math.random draws from */

/* ==== the sandbox ======================================================== */

/* One Lua state's limits and context, reachable from any C function that
 * state calls through lua_getallocf. */
/* The fields of a cell handle, in dispatch order. */
enum cell_key {
	KEY_OPEN, KEY_RECTIFY_RATE, KEY_REBOUND, KEY_NEW_PER_WEEK, KEY_SITES, KEY_DECLARED,
	KEY_PROBLEMS, KEY_BASE_RECTIFY_RATE, KEY_BASE_REBOUND, KEY_BASE_NEW_PER_WEEK, CELL_KEYS
};
static const char *const cell_key_names[CELL_KEYS] = {
	"open", "rectify_rate", "rebound", "new_per_week", "sites", "declared", "problems",
	"base_rectify_rate", "base_rebound", "base_new_per_week"};

struct sandbox {
	lua_State *L;
	size_t used, limit;
	int out_of_memory;
	char memory_where[256];
	long long instructions, budget;
	int killed;
	char message[768];            /* the kill's message, "FILE:LINE: ..." */
	struct rng *rng;              /* math.random and state.random */
	int week;                     /* week states: the week being run */
	/* Week states: Lua interns short strings, so a key is one of the
	 * cell's fields exactly when its pointer is one of these. */
	const char *cell_key[CELL_KEYS];
	const struct value_rule *rule[CELL_KEYS]; /* the writable fields' rules */
};

static struct sandbox *sandbox_of(lua_State *L)
{
	void *ud;
	lua_getallocf(L, &ud);
	return ud;
}

/* "FILE:LINE: " of the innermost Lua function running in L, or "". */
static void lua_position(lua_State *L, char *out, size_t size)
{
	lua_Debug ar;
	out[0] = '\0';
	for (int level = 0; level < 16 && lua_getstack(L, level, &ar); level++) {
		lua_getinfo(L, "Sl", &ar);
		if (ar.currentline > 0) {
			snprintf(out, size, "%s:%d: ", ar.short_src, ar.currentline);
			return;
		}
	}
}

/* The allocator: past the cap it refuses, and Lua raises a memory error. */
static void *sandbox_alloc(void *ud, void *ptr, size_t old_size, size_t new_size)
{
	struct sandbox *sb = ud;
	size_t old = ptr ? old_size : 0;
	if (new_size == 0) {
		free(ptr);
		sb->used -= old;
		return NULL;
	}
	if (new_size > old && sb->used - old + new_size > sb->limit) {
		if (!sb->out_of_memory && sb->L != NULL)
			lua_position(sb->L, sb->memory_where, sizeof sb->memory_where);
		sb->out_of_memory = 1;
		return NULL;
	}
	void *grown = realloc(ptr, new_size);
	if (grown != NULL)
		sb->used = sb->used - old + new_size;
	return grown;
}

static void count_hook(lua_State *L, lua_Debug *ar);

/*
 * Ends the plugin's call: records the first message with its position and
 * re-arms the count hook at every instruction, so that a pcall inside the
 * plugin that catches the error only meets it again at its next step.
 */
static int sandbox_kill(lua_State *L, const char *fmt, ...)
{
	struct sandbox *sb = sandbox_of(L);
	if (!sb->killed) {
		char place[256], text[512];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(text, sizeof text, fmt, ap);
		va_end(ap);
		lua_position(L, place, sizeof place);
		snprintf(sb->message, sizeof sb->message, "%s%s", place, text);
		sb->killed = 1;
		lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
	}
	lua_pushstring(L, sb->message);
	return lua_error(L);
}

static void count_hook(lua_State *L, lua_Debug *ar)
{
	(void)ar;
	struct sandbox *sb = sandbox_of(L);
	if (sb->killed) {
		lua_pushstring(L, sb->message);
		lua_error(L);
	}
	sb->instructions += HOOK_STEP;
	if (sb->out_of_memory)
		sandbox_kill(L, "memory cap of %zu MiB exceeded", sb->limit >> 20);
	if (sb->instructions > sb->budget)
		sandbox_kill(L, "instruction budget of %lld exceeded (an endless loop?)", sb->budget);
}

/* Starts a call's budget. */
static void sandbox_arm(struct sandbox *sb, long long budget)
{
	sb->instructions = 0;
	sb->budget = budget;
}

/* The message of a failed pcall, as "FILE:LINE: message". */
static const char *sandbox_failure(lua_State *L, struct sandbox *sb, char *buffer, size_t size)
{
	if (sb->killed)
		return sb->message;
	if (sb->out_of_memory) {
		snprintf(buffer, size, "%smemory cap of %zu MiB exceeded", sb->memory_where,
			 sb->limit >> 20);
		return buffer;
	}
	const char *text = lua_tostring(L, -1);
	return text ? text : "error object is not a string";
}

static const char *const forbidden_globals[] = {"os", "io", "package", "debug", "require",
						"dofile", "loadfile", "coroutine"};

static int global_index(lua_State *L)
{
	const char *key = lua_tostring(L, 2);
	for (size_t i = 0; key && i < sizeof forbidden_globals / sizeof *forbidden_globals; i++)
		if (strcmp(key, forbidden_globals[i]) == 0)
			return sandbox_kill(L, "'%s' is not available to plugins (sandbox)", key);
	return sandbox_kill(L, "reading undefined global '%s'", key ? key : "?");
}

static int global_newindex(lua_State *L)
{
	const char *key = lua_tostring(L, 2);
	return sandbox_kill(L, "creating global '%s' is not allowed: declare it local",
			    key ? key : "?");
}

static int safe_rawset(lua_State *L)
{
	lua_pushglobaltable(L);
	int is_globals = lua_rawequal(L, 1, -1);
	lua_pop(L, 1);
	if (is_globals)
		return sandbox_kill(L, "creating globals with rawset is not allowed");
	/* a table whose metatable is locked is ccsim's (a cell, a district) */
	if (lua_getmetatable(L, 1)) {
		int locked = lua_getfield(L, -1, "__metatable") != LUA_TNIL;
		lua_pop(L, 2);
		if (locked)
			return sandbox_kill(L, "rawset on ccsim's tables is not allowed");
	}
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, 1);
	return 1;
}

/* load() of text only: a binary chunk is refused. */
static int safe_load(lua_State *L)
{
	size_t length;
	const char *chunk = lua_tolstring(L, 1, &length);
	if (chunk != NULL && length > 0 && chunk[0] == LUA_SIGNATURE[0])
		return sandbox_kill(L, "loading a binary chunk is not allowed");
	int n = lua_gettop(L);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_pushvalue(L, 1);
	if (n >= 2)
		lua_pushvalue(L, 2);
	else
		lua_pushnil(L);
	lua_pushliteral(L, "t");
	if (n >= 4)
		lua_pushvalue(L, 4);
	lua_call(L, n >= 4 ? 4 : 3, LUA_MULTRET);
	return lua_gettop(L) - n;
}

static int safe_collectgarbage(lua_State *L)
{
	static const char *const allowed[] = {"collect", "count", "step", "isrunning"};
	const char *option = luaL_optstring(L, 1, "collect");
	int ok = 0;
	for (size_t i = 0; i < sizeof allowed / sizeof *allowed; i++)
		ok |= strcmp(option, allowed[i]) == 0;
	if (!ok)
		return sandbox_kill(L, "collectgarbage('%s') is not allowed in a plugin", option);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
	return lua_gettop(L);
}

static int refuse_dump(lua_State *L)
{
	return sandbox_kill(L, "string.dump is not available to plugins");
}

static int refuse_randomseed(lua_State *L)
{
	return sandbox_kill(L, "math.randomseed is not available: plugins draw from the "
			       "replication's own stream");
}

/* math.random and state.random on the replication's stream. */
static int sandbox_random(lua_State *L)
{
	struct sandbox *sb = sandbox_of(L);
	int n = lua_gettop(L);
	if (n == 0) {
		lua_pushnumber(L, rng_uniform(sb->rng));
		return 1;
	}
	lua_Integer lo = 1, hi;
	if (n == 1) {
		hi = luaL_checkinteger(L, 1);
	} else {
		lo = luaL_checkinteger(L, 1);
		hi = luaL_checkinteger(L, 2);
	}
	luaL_argcheck(L, lo <= hi, n, "interval is empty");
	lua_pushinteger(L, (lua_Integer)sample_uniform_int(sb->rng, lo, hi));
	return 1;
}

/* print() goes to stderr, so that it never mixes with ccsim's results. */
static int safe_print(lua_State *L)
{
	int n = lua_gettop(L);
	fputs("plugin:", stderr);
	for (int i = 1; i <= n; i++) {
		fputc(' ', stderr);
		fputs(luaL_tolstring(L, i, NULL), stderr);
		lua_pop(L, 1);
	}
	fputc('\n', stderr);
	return 0;
}

/* Replaces FIELD of the table at the top with FN, the old value as upvalue. */
static void wrap_field(lua_State *L, const char *field, lua_CFunction fn)
{
	lua_getfield(L, -1, field);
	lua_pushcclosure(L, fn, 1);
	lua_setfield(L, -2, field);
}

static void set_function(lua_State *L, const char *field, lua_CFunction fn)
{
	lua_pushcfunction(L, fn);
	lua_setfield(L, -2, field);
}

/* Opens the chosen libraries and locks the sandbox (runs protected). */
static int sandbox_prepare(lua_State *L)
{
	static const luaL_Reg libraries[] = {
		{LUA_GNAME, luaopen_base},         {LUA_STRLIBNAME, luaopen_string},
		{LUA_TABLIBNAME, luaopen_table},   {LUA_MATHLIBNAME, luaopen_math},
		{LUA_UTF8LIBNAME, luaopen_utf8},   {NULL, NULL}};
	for (const luaL_Reg *lib = libraries; lib->func != NULL; lib++) {
		luaL_requiref(L, lib->name, lib->func, 1);
		lua_pop(L, 1);
	}
	lua_pushglobaltable(L);
	lua_pushnil(L);
	lua_setfield(L, -2, "dofile");
	lua_pushnil(L);
	lua_setfield(L, -2, "loadfile");
	wrap_field(L, "load", safe_load);
	wrap_field(L, "rawset", safe_rawset);
	wrap_field(L, "collectgarbage", safe_collectgarbage);
	set_function(L, "print", safe_print);
	lua_getfield(L, -1, LUA_STRLIBNAME);
	set_function(L, "dump", refuse_dump);
	lua_pop(L, 1);
	lua_getfield(L, -1, LUA_MATHLIBNAME);
	set_function(L, "random", sandbox_random);
	set_function(L, "randomseed", refuse_randomseed);
	lua_pop(L, 1);

	/* the string metatable cannot be reached, so cannot be changed */
	lua_pushliteral(L, "");
	lua_getmetatable(L, -1);
	lua_pushliteral(L, "locked");
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 2);

	/* strict globals: no reading an undefined one, no creating one */
	lua_newtable(L);
	set_function(L, "__index", global_index);
	set_function(L, "__newindex", global_newindex);
	lua_pushliteral(L, "locked");
	lua_setfield(L, -2, "__metatable");
	lua_setmetatable(L, -2);
	lua_pop(L, 1);
	return 0;
}

/* A new sandboxed state whose context is SB (zeroed by the caller but for rng). */
static lua_State *sandbox_open(struct sandbox *sb)
{
	sb->limit = LIMIT_PLUGIN_MEMORY;
	lua_State *L = lua_newstate(sandbox_alloc, sb);
	if (L == NULL)
		return NULL;
	sb->L = L;
	sandbox_arm(sb, LIMIT_PLUGIN_SETUP_INSTRUCTIONS);
	lua_pushcfunction(L, sandbox_prepare);
	if (lua_pcall(L, 0, 0, 0) != LUA_OK) {
		lua_close(L);
		sb->L = NULL;
		return NULL;
	}
	lua_sethook(L, count_hook, LUA_MASKCOUNT, HOOK_STEP);
	return L;
}

/* ==== finding and loading plugins ======================================= */

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

static int valid_plugin_name(const char *name)
{
	if (name[0] == '\0')
		return 0;
	for (const char *c = name; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-')
			return 0;
	return 1;
}

/* The file of plugin NAME: the first DIR/NAME.lua on PATH that exists. */
static int find_plugin(const struct plugin_path *path, const char *name, char *out, size_t size)
{
	for (int i = 0; i < path->n; i++) {
		snprintf(out, size, "%s/%s.lua", path->dirs[i], name);
		if (access(out, R_OK) == 0)
			return 1;
	}
	return 0;
}

static const char *base_name(const char *path)
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
static int load_plugin_table(lua_State *L, struct sandbox *sb, const char *file, const char *stem,
			     char *error, size_t size)
{
	char message[512], chunkname[300];
	size_t length;
	char *text = read_source(file, &length, message, sizeof message);
	if (text == NULL) {
		snprintf(error, size, "%s: load: %.900s", stem, message);
		return -1;
	}
	snprintf(chunkname, sizeof chunkname, "@%s", base_name(file));
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
			 "setup, week }, not a %s", stem, base_name(file), luaL_typename(L, -1));
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

/* ==== parameters ======================================================== */

static void param_free(struct policy_param *p)
{
	free(p->key);
	free(p->string);
	free(p->numbers);
	if (p->type == POLICY_VALUE_STRINGS)
		for (int i = 0; i < p->count; i++)
			free(p->strings[i]);
	free(p->strings);
	memset(p, 0, sizeof *p);
}

static void param_copy(struct policy_param *to, const struct policy_param *from)
{
	char *key = text_copy(to->key ? to->key : from->key);
	param_free(to);
	*to = *from;
	to->key = key;
	to->string = from->string ? text_copy(from->string) : NULL;
	to->numbers = NULL;
	to->strings = NULL;
	if (from->type == POLICY_VALUE_NUMBERS) {
		to->numbers = calloc((size_t)from->count + 1, sizeof *to->numbers);
		if (to->numbers == NULL)
			abort();
		memcpy(to->numbers, from->numbers, (size_t)from->count * sizeof *to->numbers);
	} else if (from->type == POLICY_VALUE_STRINGS) {
		to->strings = calloc((size_t)from->count + 1, sizeof *to->strings);
		if (to->strings == NULL)
			abort();
		for (int i = 0; i < from->count; i++)
			to->strings[i] = text_copy(from->strings[i]);
	}
}

static int compare_params(const void *a, const void *b)
{
	return strcmp(((const struct policy_param *)a)->key, ((const struct policy_param *)b)->key);
}

static const char *param_type_name(enum policy_value_type type)
{
	switch (type) {
	case POLICY_VALUE_NUMBER: return "a number";
	case POLICY_VALUE_BOOLEAN: return "a boolean";
	case POLICY_VALUE_STRING: return "a string";
	case POLICY_VALUE_NUMBERS: return "an array of numbers";
	default: return "an array of strings";
	}
}

/*
 * Reads the plugin's params table (on the stack's top) into a sorted array.
 * Returns the count, or -1 with a message in ERROR.
 */
static int read_default_params(lua_State *L, const char *stem, struct policy_param **out,
			       char *error, size_t size)
{
	int n = 0;
	struct policy_param *params = NULL;
	*out = NULL;
	lua_pushnil(L);
	while (lua_next(L, -2) != 0) {
		struct policy_param p = {0};
		if (lua_type(L, -2) != LUA_TSTRING) {
			snprintf(error, size, "%s: load: params keys must be names", stem);
			goto fail;
		}
		p.key = text_copy(lua_tostring(L, -2));
		int type = lua_type(L, -1);
		if (type == LUA_TNUMBER) {
			p.type = POLICY_VALUE_NUMBER;
			p.number = lua_tonumber(L, -1);
		} else if (type == LUA_TBOOLEAN) {
			p.type = POLICY_VALUE_BOOLEAN;
			p.number = lua_toboolean(L, -1);
		} else if (type == LUA_TSTRING) {
			p.type = POLICY_VALUE_STRING;
			p.string = text_copy(lua_tostring(L, -1));
		} else if (type == LUA_TTABLE) {
			p.count = (int)lua_rawlen(L, -1);
			lua_rawgeti(L, -1, 1);
			p.type = lua_type(L, -1) == LUA_TSTRING ? POLICY_VALUE_STRINGS : POLICY_VALUE_NUMBERS;
			lua_pop(L, 1);
			p.numbers = calloc((size_t)p.count + 1, sizeof *p.numbers);
			p.strings = calloc((size_t)p.count + 1, sizeof *p.strings);
			if (!p.numbers || !p.strings)
				abort();
			for (int i = 0; i < p.count; i++) {
				lua_rawgeti(L, -1, i + 1);
				if (p.type == POLICY_VALUE_STRINGS && lua_type(L, -1) == LUA_TSTRING) {
					p.strings[i] = text_copy(lua_tostring(L, -1));
				} else if (p.type == POLICY_VALUE_NUMBERS && lua_type(L, -1) == LUA_TNUMBER) {
					p.numbers[i] = lua_tonumber(L, -1);
				} else {
					lua_pop(L, 1);
					snprintf(error, size, "%s: load: params.%s must hold numbers or strings, "
						 "all of one kind", stem, p.key);
					p.count = i;
					param_free(&p);
					goto fail;
				}
				lua_pop(L, 1);
			}
			if (p.type == POLICY_VALUE_NUMBERS) {
				free(p.strings);
				p.strings = NULL;
			}
		} else {
			snprintf(error, size, "%s: load: params.%s must be a number, boolean, string or "
				 "array, not %s", stem, p.key, luaL_typename(L, -1));
			param_free(&p);
			goto fail;
		}
		struct policy_param *grown = realloc(params, (size_t)(n + 1) * sizeof *grown);
		if (grown == NULL)
			abort();
		params = grown;
		params[n++] = p;
		lua_pop(L, 1);
	}
	if (n > 1)
		qsort(params, (size_t)n, sizeof *params, compare_params);
	*out = params;
	return n;
fail:
	lua_pop(L, 2);
	for (int i = 0; i < n; i++)
		param_free(&params[i]);
	free(params);
	return -1;
}

static void push_param_value(lua_State *L, const struct policy_param *p)
{
	switch (p->type) {
	case POLICY_VALUE_NUMBER:
		if (p->number == floor(p->number) && fabs(p->number) < 9e15)
			lua_pushinteger(L, (lua_Integer)p->number);
		else
			lua_pushnumber(L, p->number);
		break;
	case POLICY_VALUE_BOOLEAN:
		lua_pushboolean(L, p->number != 0.0);
		break;
	case POLICY_VALUE_STRING:
		lua_pushstring(L, p->string);
		break;
	case POLICY_VALUE_NUMBERS:
	case POLICY_VALUE_STRINGS:
		lua_createtable(L, p->count, 0);
		for (int i = 0; i < p->count; i++) {
			if (p->type == POLICY_VALUE_NUMBERS)
				lua_pushnumber(L, p->numbers[i]);
			else
				lua_pushstring(L, p->strings[i]);
			lua_rawseti(L, -2, i + 1);
		}
		break;
	}
}

static void push_params(lua_State *L, const struct policy_param *params, int n)
{
	lua_createtable(L, 0, n);
	for (int i = 0; i < n; i++) {
		push_param_value(L, &params[i]);
		lua_setfield(L, -2, params[i].key);
	}
}

static void print_param_value(FILE *out, const struct policy_param *p)
{
	switch (p->type) {
	case POLICY_VALUE_NUMBER: fprintf(out, "%g", p->number); break;
	case POLICY_VALUE_BOOLEAN: fputs(p->number != 0.0 ? "true" : "false", out); break;
	case POLICY_VALUE_STRING: fprintf(out, "\"%s\"", p->string); break;
	default:
		fputc('[', out);
		for (int i = 0; i < p->count; i++) {
			if (p->type == POLICY_VALUE_NUMBERS)
				fprintf(out, "%s%g", i ? ", " : "", p->numbers[i]);
			else
				fprintf(out, "%s\"%s\"", i ? ", " : "", p->strings[i]);
		}
		fputc(']', out);
	}
}

/*
 * Overrides DEFAULTS with the scenario's params of policy P: an unknown key,
 * or a value of another kind than the default, is a scenario problem in D.
 */
static void merge_params(const struct policy *p, int index, struct policy_param *defaults,
			 int n_defaults, struct diag *d)
{
	for (int i = 0; i < p->n_params; i++) {
		const struct policy_param *given = &p->params[i];
		struct policy_param *known = NULL;
		for (int j = 0; j < n_defaults && known == NULL; j++)
			if (strcmp(defaults[j].key, given->key) == 0)
				known = &defaults[j];
		if (known == NULL) {
			char list[512];
			size_t used = 0;
			list[0] = '\0';
			for (int j = 0; j < n_defaults && used + 64 < sizeof list; j++)
				used += (size_t)snprintf(list + used, sizeof list - used, "%s%s",
							 j ? ", " : "", defaults[j].key);
			diag_add(d, given->line, "policy %d (%s): unknown parameter '%s'; %s knows %s",
				 index + 1, p->plugin, given->key, p->plugin,
				 n_defaults ? list : "no parameters");
			continue;
		}
		/* an empty array matches an array of either kind */
		int arrays = (given->type == POLICY_VALUE_NUMBERS || given->type == POLICY_VALUE_STRINGS) &&
			     (known->type == POLICY_VALUE_NUMBERS || known->type == POLICY_VALUE_STRINGS);
		int same = given->type == known->type ||
			   (arrays && (given->count == 0 || known->count == 0));
		if (!same) {
			diag_add(d, given->line, "policy %d (%s): params.%s must be %s, like its default",
				 index + 1, p->plugin, given->key, param_type_name(known->type));
			continue;
		}
		enum policy_value_type type = given->count == 0 ? known->type : given->type;
		param_copy(known, given);
		known->type = type;
		if (type == POLICY_VALUE_STRINGS && known->strings == NULL) {
			known->strings = calloc(1, sizeof *known->strings);
			if (known->strings == NULL)
				abort();
		}
	}
}

/* ==== the scenario view for setup ========================================= */

enum field_kind { FIELD_REAL, FIELD_INTEGER, FIELD_BOOLEAN };

/* One number of a record: its key, the rule that checks it, where it lives. */
struct view_field {
	const char *key;
	const char *rule;
	enum field_kind kind;
	size_t offset;
};

#define FIELD(type, key, rule, kind) {#key, rule, kind, offsetof(type, key)}
static const struct view_field category_fields[] = {
	FIELD(struct category, weight, "category.weight", FIELD_REAL),
	FIELD(struct category, deduction, "category.deduction", FIELD_REAL),
	FIELD(struct category, lottery, "category.lottery", FIELD_INTEGER),
	FIELD(struct category, random_view, "category.random_view", FIELD_INTEGER),
	FIELD(struct category, prepared, "category.prepared", FIELD_REAL)};
static const struct view_field district_fields[] = {
	FIELD(struct district, population, "district.population", FIELD_REAL),
	FIELD(struct district, satisfaction, "district.satisfaction", FIELD_REAL),
	FIELD(struct district, satisfaction_concentration, "district.satisfaction_concentration",
	      FIELD_REAL)};
static const struct view_field cell_fields[] = {
	FIELD(struct cell, sites, "cell.sites", FIELD_INTEGER),
	FIELD(struct cell, declared, "cell.declared", FIELD_INTEGER),
	FIELD(struct cell, problems, "cell.problems", FIELD_INTEGER),
	FIELD(struct cell, new_per_week, "cell.new_per_week", FIELD_REAL),
	FIELD(struct cell, rectify_rate, "cell.rectify_rate", FIELD_REAL),
	FIELD(struct cell, rebound, "cell.rebound", FIELD_REAL)};
static const struct view_field material_fields[] = {
	FIELD(struct material, items, "material.items", FIELD_INTEGER),
	FIELD(struct material, points, "material.points", FIELD_REAL),
	FIELD(struct material, loss_probability, "material.loss_probability", FIELD_REAL)};
static const struct view_field negative_fields[] = {
	FIELD(struct negative_event, probability, "negative.probability", FIELD_REAL),
	FIELD(struct negative_event, deduct, "negative.deduct", FIELD_REAL),
	FIELD(struct negative_event, veto, NULL, FIELD_BOOLEAN)};
static const struct view_field honor_fields[] = {
	FIELD(struct honor, probability, "honor.probability", FIELD_REAL),
	FIELD(struct honor, points, "honor.points", FIELD_REAL)};
static const struct view_field survey_fields[] = {
	{"respondents", "survey.respondents", FIELD_INTEGER, offsetof(struct scenario, survey.respondents)},
	{"weight", "survey.weight", FIELD_REAL, offsetof(struct scenario, survey.weight)},
	{"veto_below", "survey.veto_below", FIELD_REAL, offsetof(struct scenario, survey.veto_below)}};
static const struct view_field overall_fields[] = {
	{"weight", "overall.weight", FIELD_REAL, offsetof(struct scenario, overall.weight)},
	{"noise_sd", "overall.noise_sd", FIELD_REAL, offsetof(struct scenario, overall.noise_sd)}};
static const struct view_field bonus_fields[] = {
	{"cap", "bonus.cap", FIELD_REAL, offsetof(struct scenario, bonus.cap)}};
#undef FIELD
#define N_FIELDS(a) ((int)(sizeof(a) / sizeof((a)[0])))

static double field_get(const void *record, const struct view_field *f)
{
	const char *at = (const char *)record + f->offset;
	switch (f->kind) {
	case FIELD_INTEGER: return (double)*(const int64_t *)(const void *)at;
	case FIELD_BOOLEAN: return (double)*(const int *)(const void *)at;
	default: return *(const double *)(const void *)at;
	}
}

static void field_set(void *record, const struct view_field *f, double value)
{
	char *at = (char *)record + f->offset;
	switch (f->kind) {
	case FIELD_INTEGER: *(int64_t *)(void *)at = (int64_t)value; break;
	case FIELD_BOOLEAN: *(int *)(void *)at = value != 0.0; break;
	default: *(double *)(void *)at = value; break;
	}
}

/* Sets the fields of the table at the top from RECORD. */
static void push_fields(lua_State *L, const void *record, const struct view_field *fields, int n)
{
	for (int i = 0; i < n; i++) {
		double v = field_get(record, &fields[i]);
		if (fields[i].kind == FIELD_INTEGER)
			lua_pushinteger(L, (lua_Integer)v);
		else if (fields[i].kind == FIELD_BOOLEAN)
			lua_pushboolean(L, v != 0.0);
		else
			lua_pushnumber(L, v);
		lua_setfield(L, -2, fields[i].key);
	}
}

/* A new table { name = NAME, fields... } at the top. */
static void push_record(lua_State *L, const char *name, const void *record,
			const struct view_field *fields, int n)
{
	lua_createtable(L, 0, n + 2);
	if (name != NULL) {
		lua_pushstring(L, name);
		lua_setfield(L, -2, "name");
	}
	push_fields(L, record, fields, n);
}

/* Sets KEY of the table at the top to an array of named records (each item's
 * first member is its `char *name`). */
static void push_named_array(lua_State *L, const char *key, const void *items, size_t item_size,
			     int count, const struct view_field *fields, int n)
{
	lua_createtable(L, count, 0);
	for (int i = 0; i < count; i++) {
		const char *item = (const char *)items + (size_t)i * item_size;
		push_record(L, *(char *const *)(const void *)item, item, fields, n);
		lua_rawseti(L, -2, i + 1);
	}
	lua_setfield(L, -2, key);
}

/* A by-name map over the array field ARRAY_KEY of the table at the top. */
static void add_name_map(lua_State *L, const char *array_key, const char *map_key)
{
	lua_getfield(L, -1, array_key);
	lua_newtable(L);
	lua_Integer n = (lua_Integer)lua_rawlen(L, -2);
	for (lua_Integer i = 1; i <= n; i++) {
		lua_rawgeti(L, -2, i);
		lua_getfield(L, -1, "name");
		lua_insert(L, -2);
		lua_rawset(L, -3);
	}
	lua_setfield(L, -3, map_key);
	lua_pop(L, 1);
}

/* The mutable view of S that setup receives (MODEL.md 5). */
static void push_scenario_view(lua_State *L, const struct scenario *s)
{
	lua_createtable(L, 0, 16);
	lua_pushstring(L, s->name);
	lua_setfield(L, -2, "name");
	lua_pushinteger(L, s->weeks);
	lua_setfield(L, -2, "weeks");
	lua_createtable(L, 2, 0);
	lua_pushinteger(L, s->window_first);
	lua_rawseti(L, -2, 1);
	lua_pushinteger(L, s->window_last);
	lua_rawseti(L, -2, 2);
	lua_setfield(L, -2, "window");
	lua_pushinteger(L, s->batches);
	lua_setfield(L, -2, "batches");

	push_named_array(L, "categories", s->categories, sizeof *s->categories, s->n_categories,
			 category_fields, N_FIELDS(category_fields));
	add_name_map(L, "categories", "category");

	lua_createtable(L, s->n_districts, 0);
	for (int d = 0; d < s->n_districts; d++) {
		push_record(L, s->districts[d].name, &s->districts[d], district_fields,
			    N_FIELDS(district_fields));
		lua_createtable(L, 0, s->n_categories);
		for (int c = 0; c < s->n_categories; c++) {
			push_record(L, NULL, scenario_cell(s, d, c), cell_fields, N_FIELDS(cell_fields));
			lua_setfield(L, -2, s->categories[c].name);
		}
		lua_setfield(L, -2, "categories");
		lua_rawseti(L, -2, d + 1);
	}
	lua_setfield(L, -2, "districts");
	add_name_map(L, "districts", "district");

	lua_newtable(L);
	push_fields(L, s, survey_fields, N_FIELDS(survey_fields));
	lua_setfield(L, -2, "survey");
	lua_newtable(L);
	push_fields(L, s, overall_fields, N_FIELDS(overall_fields));
	lua_setfield(L, -2, "overall");
	push_named_array(L, "materials", s->materials, sizeof *s->materials, s->n_materials,
			 material_fields, N_FIELDS(material_fields));
	push_named_array(L, "negative_list", s->negatives, sizeof *s->negatives, s->n_negatives,
			 negative_fields, N_FIELDS(negative_fields));
	lua_newtable(L);
	push_fields(L, s, bonus_fields, N_FIELDS(bonus_fields));
	push_named_array(L, "honors", s->bonus.honors, sizeof *s->bonus.honors, s->bonus.n_honors,
			 honor_fields, N_FIELDS(honor_fields));
	lua_setfield(L, -2, "bonus");
}

/* Reading the view back: every problem goes to D, prefixed "STEM: setup ". */
struct readback {
	lua_State *L;
	const char *stem;
	struct diag *d;
};

static int known_key(const char *key, const struct view_field *fields, int n,
		     const char *const *extra, int n_extra)
{
	for (int i = 0; i < n; i++)
		if (strcmp(key, fields[i].key) == 0)
			return 1;
	for (int i = 0; i < n_extra; i++)
		if (strcmp(key, extra[i]) == 0)
			return 1;
	return 0;
}

/*
 * Checks the record table at the top against FIELDS and stores its values in
 * RECORD. Paths in messages are PREFIX.key.SUFFIX (SUFFIX may be "").
 */
static void read_record(struct readback *R, void *record, const char *name,
			const struct view_field *fields, int n, const char *const *extra,
			int n_extra, const char *prefix, const char *suffix)
{
	lua_State *L = R->L;
	char path[512];
	if (!lua_istable(L, -1)) {
		diag_add(R->d, 0, "%s: setup replaced %s with a %s; change its fields instead", R->stem,
			 prefix, luaL_typename(L, -1));
		return;
	}
	lua_pushnil(L);
	while (lua_next(L, -2) != 0) {
		const char *key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
		if (key == NULL || !known_key(key, fields, n, extra, n_extra))
			diag_add(R->d, 0, "%s: setup wrote %s.%s, which is not a field", R->stem, prefix,
				 key ? key : "[a non-name key]");
		lua_pop(L, 1);
	}
	if (name != NULL) {
		lua_getfield(L, -1, "name");
		const char *now = lua_tostring(L, -1);
		if (now == NULL || strcmp(now, name) != 0)
			diag_add(R->d, 0, "%s: setup changed the name of %s; names are read-only", R->stem,
				 prefix);
		lua_pop(L, 1);
	}
	for (int i = 0; i < n; i++) {
		const struct view_field *f = &fields[i];
		snprintf(path, sizeof path, "%s.%s%s", prefix, f->key, suffix);
		int type = lua_getfield(L, -1, f->key);
		if (f->kind == FIELD_BOOLEAN) {
			if (type != LUA_TBOOLEAN)
				diag_add(R->d, 0, "%s: setup set %s to %s, must be true or false", R->stem,
					 path, luaL_typename(L, -1));
			else
				field_set(record, f, lua_toboolean(L, -1));
			lua_pop(L, 1);
			continue;
		}
		if (type != LUA_TNUMBER) {
			diag_add(R->d, 0, "%s: setup set %s to %s, must be a number", R->stem, path,
				 luaL_typename(L, -1));
			lua_pop(L, 1);
			continue;
		}
		double value = lua_tonumber(L, -1);
		lua_pop(L, 1);
		char why[128], number[32];
		diag_format_number(value, number, sizeof number);
		if (f->kind == FIELD_INTEGER && value != floor(value)) {
			diag_add(R->d, 0, "%s: setup set %s = %s, must be a whole number", R->stem, path,
				 number);
			continue;
		}
		if (scenario_field_check(f->rule, value, why, sizeof why) != 0) {
			diag_add(R->d, 0, "%s: setup set %s = %s, %s", R->stem, path, number, why);
			continue;
		}
		field_set(record, f, value);
	}
}

/* Reads the array KEY of the table at the top into ITEMS (named records). */
static void read_named_array(struct readback *R, const char *key, void *items, size_t item_size,
			     int count, const struct view_field *fields, int n,
			     const char *const *extra, int n_extra)
{
	lua_State *L = R->L;
	lua_getfield(L, -1, key);
	if (!lua_istable(L, -1) || (int)lua_rawlen(L, -1) != count) {
		diag_add(R->d, 0, "%s: setup must leave %s a list of its %d entries", R->stem, key, count);
		lua_pop(L, 1);
		return;
	}
	for (int i = 0; i < count; i++) {
		char *item = (char *)items + (size_t)i * item_size;
		const char *name = *(char **)(void *)item;
		char prefix[256];
		snprintf(prefix, sizeof prefix, "%s.%s", key, name);
		lua_rawgeti(L, -1, i + 1);
		read_record(R, item, name, fields, n, extra, n_extra, prefix, "");
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
}

/* Reads the group KEY (a record inside struct scenario) of the table at the top. */
static void read_group(struct readback *R, struct scenario *s, const char *key,
		       const struct view_field *fields, int n, const char *const *extra, int n_extra)
{
	lua_getfield(R->L, -1, key);
	read_record(R, s, NULL, fields, n, extra, n_extra, key, "");
}

/* The map MAP_KEY must still hold the array ARRAY_KEY's own tables. */
static void check_name_map(struct readback *R, const char *array_key, const char *map_key)
{
	lua_State *L = R->L;
	lua_getfield(L, -1, array_key);
	lua_getfield(L, -2, map_key);
	if (!lua_istable(L, -1) || !lua_istable(L, -2)) {
		lua_pop(L, 2);
		return;
	}
	lua_Integer n = (lua_Integer)lua_rawlen(L, -2);
	for (lua_Integer i = 1; i <= n; i++) {
		lua_rawgeti(L, -2, i);
		lua_getfield(L, -1, "name");
		lua_rawget(L, -3);
		if (!lua_rawequal(L, -1, -2))
			diag_add(R->d, 0, "%s: setup replaced an entry of scenario.%s; change the fields "
				 "of the entry instead", R->stem, map_key);
		lua_pop(L, 2);
	}
	lua_pop(L, 2);
}

/* Reads the whole view (at the top) back into S; problems go to R->d. */
static void read_scenario_view(struct readback *R, struct scenario *s)
{
	static const char *const top[] = {"name", "weeks", "window", "batches", "categories",
					  "category", "districts", "district", "survey", "overall",
					  "materials", "negative_list", "bonus"};
	static const char *const district_extra[] = {"name", "categories"};
	static const char *const named[] = {"name"};
	static const char *const bonus_extra[] = {"honors"};
	lua_State *L = R->L;

	lua_pushnil(L);
	while (lua_next(L, -2) != 0) {
		const char *key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
		int known = 0;
		for (size_t i = 0; key && i < sizeof top / sizeof *top; i++)
			known |= strcmp(key, top[i]) == 0;
		if (!known)
			diag_add(R->d, 0, "%s: setup wrote scenario.%s, which is not part of the scenario",
				 R->stem, key ? key : "[a non-name key]");
		lua_pop(L, 1);
	}
	static const char *const fixed[] = {"weeks", "batches"};
	const int fixed_value[] = {s->weeks, s->batches};
	for (int i = 0; i < 2; i++) {
		lua_getfield(L, -1, fixed[i]);
		if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) != fixed_value[i])
			diag_add(R->d, 0, "%s: setup changed scenario.%s, which plugins cannot change",
				 R->stem, fixed[i]);
		lua_pop(L, 1);
	}

	read_named_array(R, "categories", s->categories, sizeof *s->categories, s->n_categories,
			 category_fields, N_FIELDS(category_fields), named, 1);
	check_name_map(R, "categories", "category");
	check_name_map(R, "districts", "district");

	lua_getfield(L, -1, "districts");
	if (!lua_istable(L, -1) || (int)lua_rawlen(L, -1) != s->n_districts) {
		diag_add(R->d, 0, "%s: setup must leave districts a list of its %d entries", R->stem,
			 s->n_districts);
	} else {
		for (int d = 0; d < s->n_districts; d++) {
			char prefix[256];
			snprintf(prefix, sizeof prefix, "districts.%s", s->districts[d].name);
			lua_rawgeti(L, -1, d + 1);
			read_record(R, &s->districts[d], s->districts[d].name, district_fields,
				    N_FIELDS(district_fields), district_extra, 2, prefix, "");
			lua_getfield(L, -1, "categories");
			for (int c = 0; lua_istable(L, -1) && c < s->n_categories; c++) {
				char suffix[160];
				snprintf(suffix, sizeof suffix, ".%s", s->categories[c].name);
				lua_getfield(L, -1, s->categories[c].name);
				read_record(R, scenario_cell(s, d, c), NULL, cell_fields,
					    N_FIELDS(cell_fields), NULL, 0, prefix, suffix);
				lua_pop(L, 1);
			}
			lua_pop(L, 2);
		}
	}
	lua_pop(L, 1);

	read_group(R, s, "survey", survey_fields, N_FIELDS(survey_fields), NULL, 0);
	lua_pop(L, 1);
	read_group(R, s, "overall", overall_fields, N_FIELDS(overall_fields), NULL, 0);
	lua_pop(L, 1);
	read_named_array(R, "materials", s->materials, sizeof *s->materials, s->n_materials,
			 material_fields, N_FIELDS(material_fields), named, 1);
	read_named_array(R, "negative_list", s->negatives, sizeof *s->negatives, s->n_negatives,
			 negative_fields, N_FIELDS(negative_fields), named, 1);
	read_group(R, s, "bonus", bonus_fields, N_FIELDS(bonus_fields), bonus_extra, 1);
	if (lua_istable(L, -1))
		read_named_array(R, "honors", s->bonus.honors, sizeof *s->bonus.honors,
				 s->bonus.n_honors, honor_fields, N_FIELDS(honor_fields), named, 1);
	lua_pop(L, 1);
}

/* ==== the host ============================================================ */

struct policy_runtime {
	char *stem;                   /* the plugin's file stem (the scenario's `plugin`) */
	char *file;
	char *name;                   /* the plugin's own `name` */
	double cost;
	int has_week;
	int n_params;
	struct policy_param *params;  /* defaults overridden by the scenario */
	int n_targets;
	char **targets;               /* the districts it applies to */
};

struct plugin_host {
	const struct scenario *scenario;
	int n;
	struct policy_runtime *policies;
	int any_week;
	struct policy_summary *summaries; /* [n]: for reports */
	struct week_hooks hooks;   /* what a run calls: the thread functions below */
};

static void push_targets(lua_State *L, const struct policy_runtime *p)
{
	lua_createtable(L, p->n_targets, 0);
	for (int i = 0; i < p->n_targets; i++) {
		lua_pushstring(L, p->targets[i]);
		lua_rawseti(L, -2, i + 1);
	}
}

void plugin_host_free(struct plugin_host *host)
{
	if (host == NULL)
		return;
	for (int i = 0; host->policies != NULL && i < host->n; i++) {
		struct policy_runtime *p = &host->policies[i];
		free(p->stem);
		free(p->file);
		free(p->name);
		for (int j = 0; j < p->n_params; j++)
			param_free(&p->params[j]);
		free(p->params);
		for (int j = 0; j < p->n_targets; j++)
			free(p->targets[j]);
		free(p->targets);
	}
	free(host->policies);
	free(host->summaries);
	free(host);
}

/*
 * Loads policy I, merges its parameters and runs its setup on S. Returns a
 * status; problems of the scenario go to D, the plugin's own to ERROR.
 */
static enum plugin_status setup_policy(struct plugin_host *host, struct scenario *s, int i,
				       const struct plugin_path *path, uint64_t seed,
				       struct diag *d, char *error, size_t size)
{
	const struct policy *policy = &s->policies[i];
	struct policy_runtime *p = &host->policies[i];
	char file[4096];

	p->stem = text_copy(policy->plugin);
	if (!valid_plugin_name(policy->plugin)) {
		diag_add(d, policy->line, "policy %d: plugin '%s' is not a plugin name (letters, "
			 "digits, _ and - only)", i + 1, policy->plugin);
		return PLUGIN_BAD_SCENARIO;
	}
	if (!find_plugin(path, policy->plugin, file, sizeof file)) {
		char dirs[1024];
		size_t used = 0;
		dirs[0] = '\0';
		for (int k = 0; k < path->n && used + 8 < sizeof dirs; k++)
			used += (size_t)snprintf(dirs + used, sizeof dirs - used, "%s%s", k ? ", " : "",
						 path->dirs[k]);
		diag_add(d, policy->line, "policy %d: no plugin '%s' (looked for %s.lua in %s); "
			 "'ccsim plugins' lists those found", i + 1, policy->plugin, policy->plugin, dirs);
		return PLUGIN_BAD_SCENARIO;
	}
	p->file = text_copy(file);

	/* the districts it applies to: those named, else all */
	p->n_targets = policy->n_targets ? policy->n_targets : s->n_districts;
	p->targets = calloc((size_t)p->n_targets + 1, sizeof *p->targets);
	if (p->targets == NULL)
		return PLUGIN_NO_MEMORY;
	for (int t = 0; t < p->n_targets; t++)
		p->targets[t] = text_copy(policy->n_targets ? policy->targets[t] : s->districts[t].name);

	struct sandbox sb = {0};
	struct rng stream;
	rng_init(&stream, seed, SETUP_REPLICATION, RNG_SUBSTREAM_POLICIES + (uint64_t)i);
	sb.rng = &stream;
	lua_State *L = sandbox_open(&sb);
	if (L == NULL)
		return PLUGIN_NO_MEMORY;
	enum plugin_status status = PLUGIN_OK;
	char message[1024];

	if (load_plugin_table(L, &sb, file, p->stem, error, size) != 0) {
		status = PLUGIN_FAILED;
		goto done;
	}
	lua_getfield(L, -1, "name");
	p->name = text_copy(lua_tostring(L, -1));
	lua_pop(L, 1);
	p->has_week = lua_getfield(L, -1, "week") == LUA_TFUNCTION;
	lua_pop(L, 1);
	if (lua_getfield(L, -1, "params") == LUA_TTABLE) {
		p->n_params = read_default_params(L, p->stem, &p->params, error, size);
		if (p->n_params < 0) {
			p->n_params = 0;
			status = PLUGIN_FAILED;
			goto done;
		}
	}
	lua_pop(L, 1);
	int before = d->count;
	merge_params(policy, i, p->params, p->n_params, d);
	if (d->count != before) {
		status = PLUGIN_BAD_SCENARIO;
		goto done;
	}

	if (lua_getfield(L, -1, "setup") != LUA_TFUNCTION) {
		lua_pop(L, 1);
		goto done; /* a week-only plugin */
	}
	push_scenario_view(L, s);
	lua_pushvalue(L, -1);
	lua_insert(L, -3); /* keep the view below the function for reading back */
	push_params(L, p->params, p->n_params);
	push_targets(L, p);
	sandbox_arm(&sb, LIMIT_PLUGIN_SETUP_INSTRUCTIONS);
	if (lua_pcall(L, 3, 1, 0) != LUA_OK) {
		snprintf(error, size, "%s: setup: %.900s", p->stem,
			 sandbox_failure(L, &sb, message, sizeof message));
		status = PLUGIN_FAILED;
		goto done;
	}
	if (lua_istable(L, -1)) {
		int type = lua_getfield(L, -1, "cost");
		if (type == LUA_TNUMBER)
			p->cost = lua_tonumber(L, -1);
		else if (type != LUA_TNIL) {
			snprintf(error, size, "%s: setup: returned cost must be a number, not %s", p->stem,
				 luaL_typename(L, -1));
			status = PLUGIN_FAILED;
			goto done;
		}
		lua_pop(L, 1);
	} else if (!lua_isnil(L, -1)) {
		snprintf(error, size, "%s: setup: must return nil or { cost = number }, not %s",
			 p->stem, luaL_typename(L, -1));
		status = PLUGIN_FAILED;
		goto done;
	}
	lua_pop(L, 1);

	struct diag written;
	diag_init(&written, "");
	struct readback R = {L, p->stem, &written};
	read_scenario_view(&R, s);
	if (written.count > 0) {
		snprintf(error, size, "%s", written.entries[0].message);
		for (int k = 1; k < written.count; k++) {
			size_t used = strlen(error);
			snprintf(error + used, size - used, "\n%s", written.entries[k].message);
		}
		status = PLUGIN_FAILED;
	}
	diag_free(&written);
done:
	lua_close(L);
	return status;
}

/* The week hooks as a run calls them (struct week_hooks). */
static void *hooks_thread_start(const void *context, char *error, size_t error_size)
{
	return plugin_thread_new(context, error, error_size);
}

static int hooks_week(void *thread, uint64_t seed, uint64_t replication, int week,
		      struct inventory *inventories)
{
	return plugin_thread_week(thread, seed, replication, week, inventories);
}

static const char *hooks_thread_error(const void *thread)
{
	return plugin_thread_error(thread);
}

static void hooks_thread_end(void *thread)
{
	plugin_thread_free(thread);
}

struct plugin_host *plugin_host_new(struct scenario *s, const struct plugin_path *path,
				    uint64_t seed, struct diag *d, char *error, size_t error_size,
				    enum plugin_status *status)
{
	struct plugin_host *host = calloc(1, sizeof *host);
	*status = PLUGIN_NO_MEMORY;
	error[0] = '\0';
	if (host == NULL)
		return NULL;
	host->scenario = s;
	host->n = s->n_policies;
	host->policies = calloc((size_t)host->n + 1, sizeof *host->policies);
	host->summaries = calloc((size_t)host->n + 1, sizeof *host->summaries);
	if (host->policies == NULL || host->summaries == NULL) {
		plugin_host_free(host);
		return NULL;
	}
	*status = PLUGIN_OK;
	for (int i = 0; i < host->n; i++) {
		enum plugin_status one = setup_policy(host, s, i, path, seed, d, error, error_size);
		if (one == PLUGIN_BAD_SCENARIO) {
			*status = PLUGIN_BAD_SCENARIO; /* keep looking: report every policy's problems */
			continue;
		}
		if (one != PLUGIN_OK) {
			*status = one;
			break;
		}
		host->any_week |= host->policies[i].has_week;
	}
	if (*status == PLUGIN_OK && host->n > 0) {
		/* what setup wrote must still make a simulable scenario */
		struct diag after;
		diag_init(&after, "");
		scenario_check_consistency(s, NULL, "after the policies' setup, ", &after);
		if (after.count == 0)
			scenario_derive(s, &after);
		if (after.count > 0) {
			snprintf(error, error_size, "%s", after.entries[0].message);
			*status = PLUGIN_FAILED;
		}
		diag_free(&after);
	}
	if (*status != PLUGIN_OK) {
		plugin_host_free(host);
		return NULL;
	}
	for (int i = 0; i < host->n; i++)
		host->summaries[i] = (struct policy_summary){host->policies[i].name,
							    host->policies[i].stem,
							    host->policies[i].cost};
	host->hooks = (struct week_hooks){host, hooks_thread_start, hooks_week, hooks_thread_error,
					  hooks_thread_end};
	return host;
}

const struct policy_summary *plugin_host_summaries(const struct plugin_host *host)
{
	return host != NULL ? host->summaries : NULL;
}

const struct week_hooks *plugin_host_hooks(const struct plugin_host *host)
{
	return host != NULL && host->any_week ? &host->hooks : NULL;
}

const char *plugin_host_name(const struct plugin_host *host, int i)
{
	return host->policies[i].name;
}

const char *plugin_host_plugin(const struct plugin_host *host, int i)
{
	return host->policies[i].stem;
}

double plugin_host_cost(const struct plugin_host *host, int i)
{
	return host->policies[i].cost;
}

/* ==== week hooks ========================================================== */

struct week_state {
	int policy;
	lua_State *L;
	struct sandbox sb;
	struct rng stream;
	int week_ref, state_ref, params_ref, targets_ref;
};

struct plugin_thread {
	const struct plugin_host *host;
	int n;
	struct week_state *states;
	struct inventory *inventories;   /* the replication's, during a week call */
	uint64_t replication;
	int started;
	char error[1024];
};

/*
 * A cell of the running replication, as a plugin sees it: an empty table
 * whose metatable's __index is a table of the cell's fixed fields (sites,
 * declared, problems, base_*), read as plain Lua, with its own __index a
 * C closure for the four fields that change (open and the three rates);
 * the cell's __newindex checks every write. The handle, a full userdata,
 * is the closures' upvalue.
 */
struct cell_handle {
	struct plugin_thread *thread;
	int district, category;
};

static const char *const cell_keys_list =
	"open, rectify_rate, rebound, new_per_week (read and write); sites, declared, problems, "
	"base_rectify_rate, base_rebound, base_new_per_week (read)";

/* The field KEY (at INDEX) names, or CELL_KEYS. */
static enum cell_key cell_key_of(lua_State *L, const struct sandbox *sb, int index)
{
	const char *key = lua_type(L, index) == LUA_TSTRING ? lua_tostring(L, index) : NULL;
	int k = 0;
	while (k < CELL_KEYS && sb->cell_key[k] != key)
		k++;
	return (enum cell_key)k;
}

static struct inventory *cell_inventory(const struct cell_handle *h)
{
	const struct scenario *s = h->thread->host->scenario;
	return &h->thread->inventories[(size_t)h->district * (size_t)s->n_categories + (size_t)h->category];
}

/* __index of a cell's fixed fields: the fields that change. */
static int cell_index(lua_State *L)
{
	const struct cell_handle *h = lua_touserdata(L, lua_upvalueindex(1));
	const struct inventory *inv = cell_inventory(h);
	switch (cell_key_of(L, sandbox_of(L), 2)) {
	case KEY_OPEN: lua_pushinteger(L, inv->open); break;
	case KEY_RECTIFY_RATE: lua_pushnumber(L, inv->rectify_rate); break;
	case KEY_REBOUND: lua_pushnumber(L, inv->rebound); break;
	case KEY_NEW_PER_WEEK: lua_pushnumber(L, inv->new_per_week); break;
	default:
		return sandbox_kill(L, "a cell has no field '%s' (it has %s)",
				    luaL_tolstring(L, 2, NULL), cell_keys_list);
	}
	return 1;
}

static int cell_newindex(lua_State *L)
{
	const struct cell_handle *h = lua_touserdata(L, lua_upvalueindex(1));
	const struct sandbox *sb = sandbox_of(L);
	const struct scenario *s = h->thread->host->scenario;
	struct inventory *inv = cell_inventory(h);
	enum cell_key key = cell_key_of(L, sb, 2);
	double *target = key == KEY_RECTIFY_RATE   ? &inv->rectify_rate
			 : key == KEY_REBOUND      ? &inv->rebound
			 : key == KEY_NEW_PER_WEEK ? &inv->new_per_week
						   : NULL;
	int is_number = lua_type(L, 3) == LUA_TNUMBER;
	double value = is_number ? lua_tonumber(L, 3) : 0.0;
	char why[128] = "must be a number";
	if (key == KEY_OPEN && is_number && value >= 0.0 && value <= LIMIT_PLUGIN_OPEN && value == floor(value)) {
		inv->open = (int64_t)value;
		return 0;
	}
	if (target != NULL && is_number && scenario_rule_check(sb->rule[key], value, why, sizeof why) == 0) {
		*target = value;
		return 0;
	}

	/* a refused write: say what and why */
	const char *name = luaL_tolstring(L, 2, NULL);
	const char *district = s->districts[h->district].name;
	const char *category = s->categories[h->category].name;
	char number[32];
	if (key != KEY_OPEN && target == NULL)
		return sandbox_kill(L, "week %d: a cell's '%s' cannot be written (a cell has %s)",
				    sb->week, name, cell_keys_list);
	if (!is_number)
		return sandbox_kill(L, "week %d set districts.%s.%s.%s to %s, must be a number",
				    sb->week, district, name, category, luaL_typename(L, 3));
	diag_format_number(value, number, sizeof number);
	if (key == KEY_OPEN)
		return sandbox_kill(L, "week %d set districts.%s.open.%s = %s, must be a whole number "
				    "within [0, 1e+15]", sb->week, district, category, number);
	return sandbox_kill(L, "week %d set districts.%s.%s.%s = %s, %s", sb->week, district, name,
			    category, number, why);
}

/* __index of a district: `open`, its open problems over all categories. */
static int district_index(lua_State *L)
{
	const struct cell_handle *h = lua_touserdata(L, lua_upvalueindex(1));
	if (cell_key_of(L, sandbox_of(L), 2) != KEY_OPEN)
		return sandbox_kill(L, "a district has no field '%s' (it has name, categories, sites, open)",
				    luaL_tolstring(L, 2, NULL));
	const struct scenario *s = h->thread->host->scenario;
	const struct inventory *inv = &h->thread->inventories[(size_t)h->district * (size_t)s->n_categories];
	lua_Integer open = 0;
	for (int c = 0; c < s->n_categories; c++)
		open += inv[c].open;
	lua_pushinteger(L, open);
	return 1;
}

static int district_newindex(lua_State *L)
{
	return sandbox_kill(L, "a district's '%s' cannot be written: write its cells' fields",
			    luaL_tolstring(L, 2, NULL));
}

/* Sets the metatable at the top's __metatable, so that plugins cannot reach it. */
static void lock_metatable(lua_State *L)
{
	lua_pushliteral(L, "locked");
	lua_setfield(L, -2, "__metatable");
}

/* Pushes a new handle for (D, C) of THREAD. */
static void push_handle(lua_State *L, struct plugin_thread *thread, int d, int c)
{
	struct cell_handle *h = lua_newuserdatauv(L, sizeof *h, 0);
	h->thread = thread;
	h->district = d;
	h->category = c;
}

/* Pushes the cell (D, C) of the running replication. */
static void push_cell(lua_State *L, struct plugin_thread *thread, int d, int c)
{
	const struct cell *fixed = scenario_cell(thread->host->scenario, d, c);
	lua_newtable(L);                                  /* the cell */
	lua_createtable(L, 0, 3);                         /* its metatable */
	lua_createtable(L, 0, 6);                         /* the fixed fields */
	lua_pushinteger(L, fixed->sites);
	lua_setfield(L, -2, "sites");
	lua_pushinteger(L, fixed->declared);
	lua_setfield(L, -2, "declared");
	lua_pushinteger(L, fixed->problems);
	lua_setfield(L, -2, "problems");
	lua_pushnumber(L, fixed->rectify_rate);
	lua_setfield(L, -2, "base_rectify_rate");
	lua_pushnumber(L, fixed->rebound);
	lua_setfield(L, -2, "base_rebound");
	lua_pushnumber(L, fixed->new_per_week);
	lua_setfield(L, -2, "base_new_per_week");
	lua_createtable(L, 0, 2);                         /* the fixed fields' metatable */
	push_handle(L, thread, d, c);
	lua_pushcclosure(L, cell_index, 1);
	lua_setfield(L, -2, "__index");
	lock_metatable(L);
	lua_setmetatable(L, -2);
	lua_setfield(L, -2, "__index");                   /* cell's metatable.__index = fixed */
	push_handle(L, thread, d, c);
	lua_pushcclosure(L, cell_newindex, 1);
	lua_setfield(L, -2, "__newindex");
	lock_metatable(L);
	lua_setmetatable(L, -2);
}

/* Builds, once per state, the `state` table whose cells read the running replication. */
static void push_week_state(lua_State *L, struct plugin_thread *thread)
{
	const struct scenario *s = thread->host->scenario;
	struct sandbox *sb = sandbox_of(L);

	/* the interned keys, kept alive in the registry */
	lua_createtable(L, CELL_KEYS, 0);
	for (int k = 0; k < CELL_KEYS; k++) {
		lua_pushstring(L, cell_key_names[k]);
		sb->cell_key[k] = lua_tostring(L, -1);
		lua_rawseti(L, -2, k + 1);
	}
	lua_setfield(L, LUA_REGISTRYINDEX, "ccsim.cell_keys");
	sb->rule[KEY_RECTIFY_RATE] = scenario_field_rule("cell.rectify_rate");
	sb->rule[KEY_REBOUND] = scenario_field_rule("cell.rebound");
	sb->rule[KEY_NEW_PER_WEEK] = scenario_field_rule("cell.new_per_week");

	lua_createtable(L, 0, 5);
	lua_pushinteger(L, 0);
	lua_setfield(L, -2, "week");
	set_function(L, "random", sandbox_random);
	/* the category names in the scenario's order: ipairs over them is
	 * reproducible, pairs over a district's categories is not */
	lua_createtable(L, s->n_categories, 0);
	for (int c = 0; c < s->n_categories; c++) {
		lua_pushstring(L, s->categories[c].name);
		lua_rawseti(L, -2, c + 1);
	}
	lua_setfield(L, -2, "categories");
	lua_createtable(L, s->n_districts, 0);
	for (int d = 0; d < s->n_districts; d++) {
		lua_Integer sites = 0;
		lua_createtable(L, 0, 3);
		lua_pushstring(L, s->districts[d].name);
		lua_setfield(L, -2, "name");
		lua_createtable(L, 0, s->n_categories);
		for (int c = 0; c < s->n_categories; c++) {
			push_cell(L, thread, d, c);
			lua_setfield(L, -2, s->categories[c].name);
			sites += scenario_cell(s, d, c)->sites;
		}
		lua_setfield(L, -2, "categories");
		lua_pushinteger(L, sites);
		lua_setfield(L, -2, "sites");
		lua_createtable(L, 0, 3);                 /* the district's metatable */
		push_handle(L, thread, d, 0);
		lua_pushcclosure(L, district_index, 1);
		lua_setfield(L, -2, "__index");
		set_function(L, "__newindex", district_newindex);
		lock_metatable(L);
		lua_setmetatable(L, -2);
		lua_rawseti(L, -2, d + 1);
	}
	lua_setfield(L, -2, "districts");
	add_name_map(L, "districts", "district");
}

/* Runs protected: makes the state's plugin table, week, state, params, targets. */
static int prepare_week_state(lua_State *L)
{
	struct plugin_thread *thread = lua_touserdata(L, 1);
	struct week_state *ws = lua_touserdata(L, 2);
	const struct policy_runtime *p = &thread->host->policies[ws->policy];
	char error[1024];
	lua_settop(L, 0);
	if (load_plugin_table(L, &ws->sb, p->file, p->stem, error, sizeof error) != 0)
		return luaL_error(L, "%s", error);
	lua_getfield(L, -1, "week");
	ws->week_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	push_week_state(L, thread);
	ws->state_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	push_params(L, p->params, p->n_params);
	ws->params_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	push_targets(L, p);
	ws->targets_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	return 0;
}

void plugin_thread_free(struct plugin_thread *thread)
{
	if (thread == NULL)
		return;
	for (int i = 0; i < thread->n; i++)
		if (thread->states[i].L != NULL)
			lua_close(thread->states[i].L);
	free(thread->states);
	free(thread);
}

struct plugin_thread *plugin_thread_new(const struct plugin_host *host, char *error,
					size_t error_size)
{
	struct plugin_thread *thread = calloc(1, sizeof *thread);
	if (thread == NULL) {
		snprintf(error, error_size, "out of memory for the plugins' states");
		return NULL;
	}
	thread->host = host;
	for (int i = 0; i < host->n; i++)
		thread->n += host->policies[i].has_week;
	/* fixed size: each state's allocator points into this array */
	thread->states = calloc((size_t)thread->n + 1, sizeof *thread->states);
	if (thread->states == NULL) {
		free(thread);
		snprintf(error, error_size, "out of memory for the plugins' states");
		return NULL;
	}
	int k = 0;
	for (int i = 0; i < host->n; i++) {
		if (!host->policies[i].has_week)
			continue;
		struct week_state *ws = &thread->states[k++];
		ws->policy = i;
		ws->sb.rng = &ws->stream;
		ws->L = sandbox_open(&ws->sb);
		if (ws->L == NULL) {
			snprintf(error, error_size, "%s: week: cannot make a Lua state",
				 host->policies[i].stem);
			plugin_thread_free(thread);
			return NULL;
		}
		lua_pushcfunction(ws->L, prepare_week_state);
		lua_pushlightuserdata(ws->L, thread);
		lua_pushlightuserdata(ws->L, ws);
		sandbox_arm(&ws->sb, LIMIT_PLUGIN_SETUP_INSTRUCTIONS);
		if (lua_pcall(ws->L, 2, 0, 0) != LUA_OK) {
			char message[1024];
			snprintf(error, error_size, "%s", sandbox_failure(ws->L, &ws->sb, message, sizeof message));
			plugin_thread_free(thread);
			return NULL;
		}
	}
	return thread;
}

int plugin_thread_week(struct plugin_thread *thread, uint64_t seed, uint64_t replication,
		       int week, struct inventory *inventories)
{
	if (!thread->started || thread->replication != replication) {
		for (int i = 0; i < thread->n; i++)
			rng_init(&thread->states[i].stream, seed, replication,
				 RNG_SUBSTREAM_POLICIES + (uint64_t)thread->states[i].policy);
		thread->replication = replication;
		thread->started = 1;
	}
	thread->inventories = inventories;
	for (int i = 0; i < thread->n; i++) {
		struct week_state *ws = &thread->states[i];
		lua_State *L = ws->L;
		ws->sb.week = week;
		sandbox_arm(&ws->sb, LIMIT_PLUGIN_WEEK_INSTRUCTIONS);
		lua_rawgeti(L, LUA_REGISTRYINDEX, ws->week_ref);
		lua_rawgeti(L, LUA_REGISTRYINDEX, ws->state_ref);
		lua_pushinteger(L, week);
		lua_setfield(L, -2, "week"); /* an existing field: no allocation */
		lua_rawgeti(L, LUA_REGISTRYINDEX, ws->params_ref);
		lua_rawgeti(L, LUA_REGISTRYINDEX, ws->targets_ref);
		if (lua_pcall(L, 3, 0, 0) != LUA_OK) {
			char message[1024];
			snprintf(thread->error, sizeof thread->error, "%s: week: %.900s",
				 thread->host->policies[ws->policy].stem,
				 sandbox_failure(L, &ws->sb, message, sizeof message));
			lua_pop(L, 1);
			return -1;
		}
	}
	return 0;
}

const char *plugin_thread_error(const struct plugin_thread *thread)
{
	return thread->error;
}

/* ==== listing ============================================================= */

static int is_lua_file(const struct dirent *entry)
{
	size_t n = strlen(entry->d_name);
	return n > 4 && strcmp(entry->d_name + n - 4, ".lua") == 0;
}

int plugin_list(const struct plugin_path *path, FILE *out, FILE *err)
{
	int failures = 0, shown = 0;
	char **seen = NULL;
	int n_seen = 0;
	for (int i = 0; i < path->n; i++) {
		struct dirent **entries;
		int n = scandir(path->dirs[i], &entries, is_lua_file, alphasort);
		for (int j = 0; j < n; j++) {
			char file[4096], stem[256], error[1024];
			snprintf(file, sizeof file, "%s/%s", path->dirs[i], entries[j]->d_name);
			snprintf(stem, sizeof stem, "%.*s", (int)(strlen(entries[j]->d_name) - 4),
				 entries[j]->d_name);
			free(entries[j]);
			int hidden = 0;
			for (int k = 0; k < n_seen && !hidden; k++)
				hidden = strcmp(seen[k], stem) == 0;
			if (hidden)
				continue;
			char **grown = realloc(seen, (size_t)(n_seen + 1) * sizeof *seen);
			if (grown == NULL)
				abort();
			seen = grown;
			seen[n_seen++] = text_copy(stem);

			struct sandbox sb = {0};
			struct rng stream;
			rng_init(&stream, 0, SETUP_REPLICATION, RNG_SUBSTREAM_POLICIES);
			sb.rng = &stream;
			lua_State *L = sandbox_open(&sb);
			if (L == NULL || load_plugin_table(L, &sb, file, stem, error, sizeof error) != 0) {
				fprintf(err, "%s\n", L ? error : "out of memory");
				failures++;
				if (L)
					lua_close(L);
				continue;
			}
			lua_getfield(L, -1, "description");
			fprintf(out, "%s%s  (%s)\n  %s\n", shown++ ? "\n" : "", stem, file,
				lua_tostring(L, -1));
			lua_pop(L, 1);
			struct policy_param *params = NULL;
			int n_params = 0;
			if (lua_getfield(L, -1, "params") == LUA_TTABLE)
				n_params = read_default_params(L, stem, &params, error, sizeof error);
			lua_pop(L, 1);
			if (n_params < 0) {
				fprintf(err, "%s\n", error);
				failures++;
				n_params = 0;
			}
			fprintf(out, "  parameters (defaults):%s\n", n_params ? "" : " none");
			for (int k = 0; k < n_params; k++) {
				fprintf(out, "    %s = ", params[k].key);
				print_param_value(out, &params[k]);
				fputc('\n', out);
				param_free(&params[k]);
			}
			free(params);
			int setup = lua_getfield(L, -1, "setup") == LUA_TFUNCTION;
			int week = lua_getfield(L, -2, "week") == LUA_TFUNCTION;
			fprintf(out, "  hooks: %s%s%s\n", setup ? "setup" : "", setup && week ? ", " : "",
				week ? "week" : "");
			lua_close(L);
		}
		if (n > 0)
			free(entries);
	}
	for (int k = 0; k < n_seen; k++)
		free(seen[k]);
	free(seen);
	if (shown == 0)
		fprintf(out, "no plugins found\n");
	return failures;
}
