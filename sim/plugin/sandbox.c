/*
 * sandbox: a Lua 5.4 state for a plugin's code. Text chunks only; base
 * (less dofile, loadfile and binary load), string, table, math and utf8;
 * reading an undefined global or creating one is an error; math.random is
 * the state's own stream; each call has an instruction budget and the state
 * a memory cap. A broken rule, a spent budget or the cap kills the call
 * with an error that a pcall inside the plugin cannot swallow.
 */
#include "plugin_int.h"
#include "ccsim_limits.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sample.h"

#define HOOK_STEP 10000                 /* instructions between two budget checks */

struct sandbox *sandbox_of(lua_State *L)
{
	void *ud;
	lua_getallocf(L, &ud);
	return ud;
}

/* "FILE:LINE: " of the innermost Lua function running in L, or "". */
static void sandbox_position(lua_State *L, char *out, size_t size)
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
			sandbox_position(sb->L, sb->memory_where, sizeof sb->memory_where);
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
int sandbox_kill(lua_State *L, const char *fmt, ...)
{
	struct sandbox *sb = sandbox_of(L);
	if (!sb->killed) {
		char place[256], text[512];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(text, sizeof text, fmt, ap);
		va_end(ap);
		sandbox_position(L, place, sizeof place);
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
void sandbox_arm(struct sandbox *sb, long long budget)
{
	sb->instructions = 0;
	sb->budget = budget;
}

/* The message of a failed pcall, as "FILE:LINE: message". */
const char *sandbox_failure(lua_State *L, struct sandbox *sb, char *buffer, size_t size)
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
int sandbox_random(lua_State *L)
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

void sandbox_set_function(lua_State *L, const char *field, lua_CFunction fn)
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
	sandbox_set_function(L, "print", safe_print);
	lua_getfield(L, -1, LUA_STRLIBNAME);
	sandbox_set_function(L, "dump", refuse_dump);
	lua_pop(L, 1);
	lua_getfield(L, -1, LUA_MATHLIBNAME);
	sandbox_set_function(L, "random", sandbox_random);
	sandbox_set_function(L, "randomseed", refuse_randomseed);
	lua_pop(L, 1);

	/* the string metatable cannot be reached, so cannot be changed */
	lua_pushliteral(L, "");
	lua_getmetatable(L, -1);
	lua_pushliteral(L, "locked");
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 2);

	/* strict globals: no reading an undefined one, no creating one */
	lua_newtable(L);
	sandbox_set_function(L, "__index", global_index);
	sandbox_set_function(L, "__newindex", global_newindex);
	lua_pushliteral(L, "locked");
	lua_setfield(L, -2, "__metatable");
	lua_setmetatable(L, -2);
	lua_pop(L, 1);
	return 0;
}

/* A new sandboxed state whose context is SB (zeroed by the caller but for rng). */
lua_State *sandbox_open(struct sandbox *sb)
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

void sandbox_lock_metatable(lua_State *L)
{
	lua_pushliteral(L, "locked");
	lua_setfield(L, -2, "__metatable");
}
