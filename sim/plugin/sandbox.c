/*
 * sandbox: a Lua 5.4 state for a plugin's code. Text chunks only; base
 * (less dofile, loadfile and binary load), string, table, math and utf8;
 * reading an undefined global or creating one is an error; math.random is
 * the state's own stream; no finalizers (__gc).
 *
 * The limits hold for all the work a call does, in Lua or in C:
 * - the budget counts Lua instructions (a count hook), every byte
 *   allocated, and for the library functions that can do unbounded work in
 *   one call that work (guard.c, pattern.c; load, print and collectgarbage
 *   below);
 * - a wall-clock deadline (LIMIT_PLUGIN_SECONDS from the call's first
 *   check) is read whenever the budget is checked;
 * - the memory cap holds for the state.
 * A spent budget, the deadline, the cap or a broken rule kills the call: it
 * fails even when a pcall inside the plugin catches the error (the hook
 * then fires at every instruction, and the allocator refuses to grow).
 *
 * Week calls run uncounted (sandbox_call_watched): no count hook while
 * the watchdog sees them end within a few milliseconds and their work in
 * C and allocations stays within a quarter of the budget. One that does
 * not is ended the same way (the hook set at every instruction, the
 * allocator refusing), and its caller runs it again counted from its
 * start: every budget and every error is a counted call's.
 */
#include "plugin_int.h"
#include "ccsim_limits.h"

#include <lauxlib.h>
#include <lualib.h>
#include <math.h>
#include <time.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "sample.h"
#include "i18n.h"

#define HOOK_STEP 10000          /* instructions between two calls of the count hook */
#define CHECK_STEP 65536         /* units between two checks of the budget and the clock */
#define BYTES_PER_UNIT 16        /* bytes allocated: one unit of the budget */
#define CALL_UNITS 10            /* a call of load, print or collectgarbage */

/* The stack slot of every state's message handler (sandbox_open puts it there). */
#define HANDLER_INDEX 1

struct sandbox *sandbox_of(lua_State *L)
{
	void *ud;
	lua_getallocf(L, &ud);
	return ud;
}

/* 1 when the function AR describes comes from the plugin's own file. */
static int in_plugin(const struct sandbox *sb, const lua_Debug *ar)
{
	if (ar->currentline <= 0)
		return 0;
	if (sb->file[0] == '\0')
		return 1; /* before the plugin is loaded: any Lua function */
	return ar->source[0] == '@' && strcmp(ar->source + 1, sb->file) == 0;
}

/* The line of the innermost function of the plugin's file running in L,
 * from stack level FIRST on, or 0. (No allocation: the allocator calls it.) */
static int plugin_line(lua_State *L, const struct sandbox *sb, int first)
{
	lua_Debug ar;
	for (int level = first; level < first + 64 && lua_getstack(L, level, &ar); level++) {
		lua_getinfo(L, "Sl", &ar);
		if (in_plugin(sb, &ar))
			return ar.currentline;
	}
	return 0;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void count_hook(lua_State *L, lua_Debug *ar);

/* Has the call spent its budget or passed its deadline? Writes why into
 * SB's message; the clock starts at the call's first check. */
static int overdue(struct sandbox *sb)
{
	sb->next_check = sb->instructions + CHECK_STEP;
	if (sb->instructions > sb->budget) {
		snprintf(sb->message, sizeof sb->message,
			 _("instruction budget of %lld exceeded (an endless loop?)"), sb->budget);
		return 1;
	}
	double t = now();
	if (sb->deadline == 0.0) {
		sb->deadline = t + LIMIT_PLUGIN_SECONDS;
	} else if (t > sb->deadline) {
		snprintf(sb->message, sizeof sb->message,
			 _("time limit of %g s exceeded (an endless loop?)"), LIMIT_PLUGIN_SECONDS);
		return 1;
	}
	return 0;
}

/* Sets the count hook to fire at every instruction (an end to raise). */
static void hook_every_instruction(struct sandbox *sb)
{
	if (sb->L != NULL) {
		lua_sethook(sb->L, count_hook, LUA_MASKCOUNT, 1);
		sb->hook_count = 1;
		sb->counting = 1;
	}
}

/* Marks the call killed (SB's message says why) where no error can be
 * raised: the count hook raises it at the next instruction. */
static void mark_killed(struct sandbox *sb)
{
	if (sb->killed)
		return;
	sb->killed = 1;
	sb->kill_line = sb->L ? plugin_line(sb->L, sb, 0) : 0;
	hook_every_instruction(sb);
}

/* The budget or the clock is spent: a counted call is killed; an
 * uncounted one ends, to run again counted (which meets the same end,
 * with the counted budget's message and line). */
static void budget_spent(struct sandbox *sb)
{
	if (!sb->uncounted) {
		mark_killed(sb);
		return;
	}
	sb->again = 1;
	hook_every_instruction(sb);
}

/* The allocator: it charges what grows; past the cap, or once the call is
 * killed, it refuses, and Lua raises a memory error. */
static void *sandbox_alloc(void *ud, void *ptr, size_t old_size, size_t new_size)
{
	struct sandbox *sb = ud;
	size_t old = ptr ? old_size : 0;
	if (new_size == 0) {
		free(ptr);
		sb->used -= old;
		return NULL;
	}
	if (new_size > old) {
		if (sb->killed || sb->again)
			return NULL;
		if (sb->used - old + new_size > sb->limit) {
			if (!sb->out_of_memory && sb->L != NULL)
				sb->memory_line = plugin_line(sb->L, sb, 0);
			sb->out_of_memory = 1;
			hook_every_instruction(sb);
			return NULL;
		}
		sb->instructions += (long long)((new_size - old) / BYTES_PER_UNIT);
		if ((sb->instructions >= sb->next_check && overdue(sb)) ||
		    (sb->uncounted && sb->interrupted)) {
			budget_spent(sb);
			return NULL;
		}
	}
	void *grown = realloc(ptr, new_size);
	if (grown != NULL)
		sb->used = sb->used - old + new_size;
	else if (new_size > old)
		sb->no_memory = 1;
	return grown;
}

/* Raises the kill (no allocation: the error value is a light userdata). */
static int raise_killed(lua_State *L, struct sandbox *sb)
{
	lua_pushlightuserdata(L, sb);
	return lua_error(L);
}

int sandbox_kill(lua_State *L, const char *fmt, ...)
{
	struct sandbox *sb = sandbox_of(L);
	if (!sb->killed) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(sb->message, sizeof sb->message, fmt, ap);
		va_end(ap);
		mark_killed(sb);
	}
	return raise_killed(L, sb);
}

/* Checks the budget and the clock; raises the kill when either is spent. */
static void check(lua_State *L, struct sandbox *sb)
{
	if (sb->uncounted && sb->interrupted && !sb->killed)
		budget_spent(sb); /* work in C the watchdog timed */
	if (sb->killed || sb->again)
		raise_killed(L, sb);
	if (sb->out_of_memory)
		sandbox_kill(L, _("memory cap of %zu MiB exceeded"), sb->limit >> 20);
	if (overdue(sb)) {
		budget_spent(sb);
		raise_killed(L, sb);
	}
}

void sandbox_charge(lua_State *L, long long units)
{
	struct sandbox *sb = sandbox_of(L);
	sb->instructions += units;
	if (sb->instructions >= sb->next_check || sb->killed || sb->out_of_memory || sb->again ||
	    sb->interrupted)
		check(L, sb);
}

static void count_hook(lua_State *L, lua_Debug *ar)
{
	(void)ar;
	struct sandbox *sb = sandbox_of(L);
	if (sb->uncounted && !sb->killed && !sb->out_of_memory) {
		/* set by the watchdog's interrupt or an end to raise: either
		 * way the call runs again counted */
		sb->again = 1;
		raise_killed(L, sb);
	}
	sb->instructions += sb->hook_count;
	if (sb->killed || sb->out_of_memory || sb->instructions >= sb->next_check)
		check(L, sb);
	if (sb->hook_count != HOOK_STEP) {
		/* armed for a prompt check that found nothing */
		lua_sethook(L, count_hook, LUA_MASKCOUNT, HOOK_STEP);
		sb->hook_count = HOOK_STEP;
	}
}

void sandbox_arm(struct sandbox *sb, long long budget)
{
	sb->instructions = 0;
	sb->budget = budget;
	sb->next_check = CHECK_STEP < budget ? CHECK_STEP : budget;
	sb->deadline = 0.0;
}

/* The message handler of every call: where the error arose, while the
 * stack still shows it. */
static int sandbox_handler(lua_State *L)
{
	struct sandbox *sb = sandbox_of(L);
	sb->handler_line = plugin_line(L, sb, 1);
	sb->handled = 1;
	return 1;
}

/* Strips "FILE:LINE: " from TEXT when FILE is the plugin's; the line, or 0. */
static int message_line(const struct sandbox *sb, const char **text)
{
	size_t n = strlen(sb->file);
	const char *at = *text;
	if (n == 0 || strncmp(at, sb->file, n) != 0 || at[n] != ':')
		return 0;
	at += n + 1;
	int line = 0;
	while (*at >= '0' && *at <= '9' && line < 100000000)
		line = 10 * line + (*at++ - '0');
	if (line == 0 || at[0] != ':' || at[1] != ' ')
		return 0;
	*text = at + 2;
	return line;
}

/* Why the call that returned STATUS failed, into ERR. */
static void explain(struct sandbox *sb, int status, struct sandbox_error *err)
{
	lua_State *L = sb->L;
	memset(err, 0, sizeof *err);
	snprintf(err->file, sizeof err->file, "%s", sb->file);
	if (sb->killed) {
		err->line = sb->kill_line;
		snprintf(err->message, sizeof err->message, "%s", sb->message);
	} else if (sb->out_of_memory) {
		err->line = sb->memory_line;
		snprintf(err->message, sizeof err->message, _("memory cap of %zu MiB exceeded"),
			 sb->limit >> 20);
	} else if (sb->no_memory || status == LUA_ERRMEM) {
		err->no_memory = 1;
		snprintf(err->message, sizeof err->message, _("out of memory"));
	} else {
		int type = lua_type(L, -1);
		const char *text = type == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
		err->line = text ? message_line(sb, &text) : 0;
		if (err->line == 0 && sb->handled)
			err->line = sb->handler_line;
		if (text != NULL)
			snprintf(err->message, sizeof err->message, "%s", text);
		else if (type == LUA_TNIL || type == LUA_TNONE)
			snprintf(err->message, sizeof err->message, _("error with no message"));
		else
			snprintf(err->message, sizeof err->message,
				 _("error object is a %s value, not a message"), lua_typename(L, type));
	}
}

int sandbox_call(struct sandbox *sb, int nargs, int nresults, long long budget,
		 struct sandbox_error *err)
{
	lua_State *L = sb->L;
	int base = lua_gettop(L) - nargs - 1;
	if (!sb->counting) {
		lua_sethook(L, count_hook, LUA_MASKCOUNT, HOOK_STEP);
		sb->hook_count = HOOK_STEP;
		sb->counting = 1;
	}
	sandbox_arm(sb, budget);
	sb->handled = 0;
	int status = sb->killed ? LUA_ERRRUN : lua_pcall(L, nargs, nresults, HANDLER_INDEX);
	/* killed or over the cap: the call fails even when the plugin caught it */
	if (status == LUA_OK && !sb->killed && !sb->out_of_memory && !sb->no_memory)
		return 0;
	explain(sb, status, err);
	lua_settop(L, base);
	return -1;
}

int sandbox_call_watched(struct sandbox *sb, struct watchdog *watchdog, int nargs, int nresults,
			 long long budget, struct sandbox_error *err)
{
	lua_State *L = sb->L;
	if (sb->killed || sb->out_of_memory || watchdog_enter(watchdog, sb) != 0)
		return sandbox_call(sb, nargs, nresults, budget, err);
	int base = lua_gettop(L) - nargs - 1;
	if (sb->counting) {
		lua_sethook(L, NULL, 0, 0);
		sb->counting = 0;
	}
	sb->uncounted = 1;
	sb->again = 0;
	sb->interrupted = 0;
	sandbox_arm(sb, budget / 4);
	sb->handled = 0;
	int status = lua_pcall(L, nargs, nresults, HANDLER_INDEX);
	watchdog_leave(watchdog);
	sb->uncounted = 0;
	if (sb->interrupted || sb->again) {
		/* the hook an interrupt or an end set: off again */
		lua_sethook(L, NULL, 0, 0);
		sb->counting = 0;
	}
	/* a kill (a broken rule) or the cap is final, as in a counted call;
	 * an interrupt that came after the call's last instruction is none */
	int again = sb->again && !sb->killed && !sb->out_of_memory;
	sb->again = 0;
	sb->interrupted = 0;
	if (again) {
		lua_settop(L, base);
		return SANDBOX_AGAIN;
	}
	if (status == LUA_OK && !sb->killed && !sb->out_of_memory && !sb->no_memory)
		return 0;
	explain(sb, status, err);
	lua_settop(L, base);
	return -1;
}

int sandbox_again(lua_State *L)
{
	struct sandbox *sb = sandbox_of(L);
	budget_spent(sb);
	return raise_killed(L, sb);
}

void sandbox_interrupt(struct sandbox *sb)
{
	sb->interrupted = 1;
	/* as Lua's own interpreter stops a script on a signal */
	lua_sethook(sb->L, count_hook, LUA_MASKCOUNT, 1);
}

void sandbox_revive(struct sandbox *sb)
{
	sb->killed = sb->out_of_memory = sb->no_memory = 0;
	sb->handled = 0;
	sb->message[0] = '\0';
}

int sandbox_run(struct sandbox *sb, lua_CFunction fn, void *context, long long budget,
		struct sandbox_error *err)
{
	if (!lua_checkstack(sb->L, 2)) {
		memset(err, 0, sizeof *err);
		err->no_memory = 1;
		snprintf(err->message, sizeof err->message, _("out of memory"));
		return -1;
	}
	lua_pushcfunction(sb->L, fn);
	lua_pushlightuserdata(sb->L, context);
	return sandbox_call(sb, 1, 0, budget, err);
}

int sandbox_no_memory(lua_State *L)
{
	sandbox_of(L)->no_memory = 1;
	lua_pushlightuserdata(L, NULL);
	return lua_error(L);
}

void sandbox_report(struct diag *d, const char *plugin, const char *hook,
		    const struct sandbox_error *err)
{
	if (err->no_memory)
		diag_no_memory(d, _("running a policy plugin"));
	else
		diag_add_plugin(d, plugin, hook, err->file, err->line, "%s", err->message);
}

void sandbox_set_file(struct sandbox *sb, const char *file)
{
	const char *slash = strrchr(file, '/');
	snprintf(sb->file, sizeof sb->file, "%s", slash ? slash + 1 : file);
}

static const char *const forbidden_globals[] = {"os", "io", "package", "debug", "require",
						"dofile", "loadfile", "coroutine"};

static int global_index(lua_State *L)
{
	const char *key = lua_tostring(L, 2);
	for (size_t i = 0; key && i < sizeof forbidden_globals / sizeof *forbidden_globals; i++)
		if (strcmp(key, forbidden_globals[i]) == 0)
			return sandbox_kill(L, _("'%s' is not available to plugins (sandbox)"), key);
	return sandbox_kill(L, _("reading undefined global '%s'"), key ? key : "?");
}

static int global_newindex(lua_State *L)
{
	const char *key = lua_tostring(L, 2);
	return sandbox_kill(L, _("creating global '%s' is not allowed: declare it local"),
			    key ? key : "?");
}

static int safe_rawset(lua_State *L)
{
	lua_pushglobaltable(L);
	int is_globals = lua_rawequal(L, 1, -1);
	lua_pop(L, 1);
	if (is_globals)
		return sandbox_kill(L, _("creating globals with rawset is not allowed"));
	/* a table whose metatable is locked is ccsim's (a cell, a district) */
	if (lua_getmetatable(L, 1)) {
		lua_pushliteral(L, "__metatable");
		int locked = lua_rawget(L, -2) != LUA_TNIL;
		lua_pop(L, 2);
		if (locked)
			return sandbox_kill(L, _("rawset on ccsim's tables is not allowed"));
	}
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, 1);
	return 1;
}

/* load()'s reader function, charged the text it gives. */
static int charged_reader(lua_State *L)
{
	size_t length = 0;
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_call(L, 0, 1);
	if (lua_type(L, -1) == LUA_TSTRING)
		lua_tolstring(L, -1, &length);
	sandbox_charge(L, CALL_UNITS + (long long)length);
	return 1;
}

/* load() of text only: a binary chunk is refused; compiling is charged a
 * unit a byte. */
static int safe_load(lua_State *L)
{
	size_t length = 0;
	const char *chunk = lua_type(L, 1) == LUA_TSTRING ? lua_tolstring(L, 1, &length) : NULL;
	if (chunk != NULL && length > 0 && chunk[0] == LUA_SIGNATURE[0])
		return sandbox_kill(L, _("loading a binary chunk is not allowed"));
	sandbox_charge(L, CALL_UNITS + (long long)length);
	if (lua_type(L, 1) == LUA_TFUNCTION) {
		lua_pushvalue(L, 1);
		lua_pushcclosure(L, charged_reader, 1);
		lua_replace(L, 1);
	}
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
		return sandbox_kill(L, _("collectgarbage('%s') is not allowed in a plugin"), option);
	/* a collection goes over the whole heap */
	struct sandbox *sb = sandbox_of(L);
	int full = strcmp(option, "collect") == 0 || strcmp(option, "step") == 0;
	sandbox_charge(L, CALL_UNITS + (full ? (long long)(sb->used / BYTES_PER_UNIT) : 0));
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
	return lua_gettop(L);
}

static int refuse_dump(lua_State *L)
{
	return sandbox_kill(L, _("string.dump is not available to plugins"));
}

static int refuse_randomseed(lua_State *L)
{
	return sandbox_kill(L, _("math.randomseed is not available: plugins draw from the "
			       "replication's own stream"));
}

/* setmetatable() without finalizers: a __gc would run with the limits off,
 * when the collector pleases, even as the state closes. */
static int safe_setmetatable(lua_State *L)
{
	if (lua_type(L, 2) == LUA_TTABLE) {
		lua_pushliteral(L, "__gc");
		int gc = lua_rawget(L, 2) != LUA_TNIL;
		lua_pop(L, 1);
		if (gc)
			return sandbox_kill(L, _("a metatable with __gc is not allowed in a plugin "
					       "(finalizers run outside the limits)"));
	}
	lua_CFunction original = lua_tocfunction(L, lua_upvalueindex(1));
	return original(L);
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
	luaL_argcheck(L, lo <= hi, n, _("interval is empty"));
	lua_pushinteger(L, (lua_Integer)sample_uniform_int(sb->rng, lo, hi));
	return 1;
}

/* print() goes to stderr, so that it never mixes with ccsim's results. */
static int safe_print(lua_State *L)
{
	int n = lua_gettop(L);
	fputs("plugin:", stderr);
	for (int i = 1; i <= n; i++) {
		size_t length;
		const char *text = luaL_tolstring(L, i, &length);
		sandbox_charge(L, CALL_UNITS + (long long)length);
		fputc(' ', stderr);
		fwrite(text, 1, length, stderr);
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
	wrap_field(L, "setmetatable", safe_setmetatable);
	sandbox_set_function(L, "print", safe_print);
	lua_getfield(L, -1, LUA_STRLIBNAME);
	sandbox_set_function(L, "dump", refuse_dump);
	lua_pop(L, 1);
	lua_getfield(L, -1, LUA_MATHLIBNAME);
	sandbox_set_function(L, "random", sandbox_random);
	sandbox_set_function(L, "randomseed", refuse_randomseed);
	lua_pop(L, 1);
	guard_install(L);

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
	sandbox_arm(sb, LIMIT_PLUGIN_SETUP_INSTRUCTIONS);
	lua_State *L = lua_newstate(sandbox_alloc, sb);
	if (L == NULL)
		return NULL;
	sb->L = L;
	lua_pushcfunction(L, sandbox_handler); /* HANDLER_INDEX, for good */
	lua_pushcfunction(L, sandbox_prepare);
	if (lua_pcall(L, 0, 0, 0) != LUA_OK || sb->out_of_memory || sb->no_memory) {
		lua_close(L);
		sb->L = NULL;
		return NULL;
	}
	lua_sethook(L, count_hook, LUA_MASKCOUNT, HOOK_STEP);
	sb->hook_count = HOOK_STEP;
	sb->counting = 1;
	return L;
}

void sandbox_lock_metatable(lua_State *L)
{
	lua_pushliteral(L, "locked");
	lua_setfield(L, -2, "__metatable");
}
