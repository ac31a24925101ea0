/*
 * guard: the library functions whose one call can do unbounded work in C,
 * where no count hook reaches, made to charge that work to the plugin's
 * budget (sandbox_charge), so that a runaway call ends like a runaway loop:
 *
 *   string.rep     the copies it will make (string.rep("", math.maxinteger)
 *                  loops for ever on an empty string): charged first;
 *   table.concat   each element as it is read: the only library loop whose
 *                  length the caller chooses freely and whose every step may
 *                  call a metamethod written in C (table.concat on a table
 *                  whose __index is table.concat itself);
 *   table.insert, table.remove, table.sort
 *                  the elements they will move or compare, charged first; a
 *                  table whose __len metamethod could give them another
 *                  length than the one charged is refused;
 *   table.move     the elements it will move, charged first;
 *   string.find, string.match, string.gmatch, string.gsub
 *                  every step of the search (pattern.c).
 *
 * The other loops of the library are bounded by their arguments or by the
 * stack (table.unpack, string.byte), and every byte allocated is charged.
 */
#include "plugin_int.h"
#include "i18n.h"

#include <lauxlib.h>
#include <lualib.h>
#include <math.h>
#include <string.h>

#define BYTES_PER_UNIT 16       /* bytes copied: one unit of the budget */
#define COPIES_PER_UNIT 8       /* string.rep's copies: one unit */

/* The library's own function, kept as upvalue 1, called with this frame. */
static int call_original(lua_State *L)
{
	lua_CFunction original = lua_tocfunction(L, lua_upvalueindex(1));
	return original(L);
}

/* table.concat (list [, sep [, i [, j]]]), each element charged as read. */
static int guarded_concat(lua_State *L)
{
	size_t lsep;
	luaL_checktype(L, 1, LUA_TTABLE);
	const char *sep = luaL_optlstring(L, 2, "", &lsep);
	lua_Integer i = luaL_optinteger(L, 3, 1);
	lua_Integer last = luaL_opt(L, luaL_checkinteger, 4, luaL_len(L, 1));
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	for (; i <= last; i++) {
		sandbox_charge(L, 1);
		lua_geti(L, 1, i);
		if (!lua_isstring(L, -1))
			return luaL_error(L, "invalid value (at index %I) in table for 'concat'",
					  (LUAI_UACINT)i);
		luaL_addvalue(&b);
		if (i == last)
			break; /* and never past the largest integer */
		luaL_addlstring(&b, sep, lsep);
	}
	luaL_pushresult(&b);
	return 1;
}

static int guarded_rep(lua_State *L)
{
	size_t l, lsep;
	luaL_checklstring(L, 1, &l);
	lua_Integer n = luaL_checkinteger(L, 2);
	luaL_optlstring(L, 3, "", &lsep);
	if (n <= 0 || l + lsep == 0) {
		/* nothing to copy: the library would still loop N times */
		sandbox_charge(L, 1);
		lua_pushliteral(L, "");
		return 1;
	}
	/* the result's bytes and the copies, as far as they can be counted */
	double bytes = (double)n * (double)(l + lsep);
	double units = bytes / BYTES_PER_UNIT + (double)n / COPIES_PER_UNIT;
	sandbox_charge(L, units > 1e15 ? (long long)1e15 : (long long)units + 1);
	return call_original(L);
}

/* Refuses a table whose __len could make the library's length differ from
 * the one charged; returns the raw length of the table at 1. */
static lua_Integer raw_length(lua_State *L, const char *what)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	if (lua_getmetatable(L, 1)) {
		lua_pushliteral(L, "__len");
		int has_len = lua_rawget(L, -2) != LUA_TNIL;
		lua_pop(L, 2);
		if (has_len)
			sandbox_kill(L, _("%s on a table with a __len metamethod is not allowed in a "
				     "plugin"), what);
	}
	return (lua_Integer)lua_rawlen(L, 1);
}

/* The elements from FIRST to LAST (a count that may be negative or vast). */
static long long span(lua_Integer first, lua_Integer last)
{
	if (last < first)
		return 0;
	double n = (double)last - (double)first + 1.0;
	return n > 1e15 ? (long long)1e15 : (long long)n;
}

static int guarded_insert(lua_State *L)
{
	lua_Integer n = raw_length(L, "table.insert");
	lua_Integer pos = lua_gettop(L) == 3 ? luaL_checkinteger(L, 2) : n + 1;
	sandbox_charge(L, 1 + span(pos, n));
	return call_original(L);
}

static int guarded_remove(lua_State *L)
{
	lua_Integer n = raw_length(L, "table.remove");
	lua_Integer pos = luaL_optinteger(L, 2, n);
	sandbox_charge(L, 1 + span(pos, n));
	return call_original(L);
}

static int guarded_sort(lua_State *L)
{
	lua_Integer n = raw_length(L, "table.sort");
	/* comparisons and moves of a quicksort, most often; a comparison
	 * function is charged on its own as it runs */
	double units = n > 1 ? 4.0 * (double)n * (log2((double)n) + 1.0) : 1.0;
	sandbox_charge(L, units > 1e15 ? (long long)1e15 : (long long)units);
	return call_original(L);
}

static int guarded_move(lua_State *L)
{
	lua_Integer first = luaL_checkinteger(L, 2);
	lua_Integer last = luaL_checkinteger(L, 3);
	sandbox_charge(L, 1 + span(first, last));
	return call_original(L);
}

/* Replaces FIELD of the table at the top with FN, the library's own
 * function as its upvalue (FN may ignore it). */
static void replace(lua_State *L, const char *field, lua_CFunction fn)
{
	lua_getfield(L, -1, field);
	lua_pushcclosure(L, fn, 1);
	lua_setfield(L, -2, field);
}

void guard_install(lua_State *L)
{
	lua_getglobal(L, LUA_STRLIBNAME);
	replace(L, "rep", guarded_rep);
	replace(L, "find", pattern_find);
	replace(L, "match", pattern_match);
	replace(L, "gmatch", pattern_gmatch);
	replace(L, "gsub", pattern_gsub);
	lua_pop(L, 1);
	lua_getglobal(L, LUA_TABLIBNAME);
	replace(L, "concat", guarded_concat);
	replace(L, "insert", guarded_insert);
	replace(L, "remove", guarded_remove);
	replace(L, "sort", guarded_sort);
	replace(L, "move", guarded_move);
	lua_pop(L, 1);
}
