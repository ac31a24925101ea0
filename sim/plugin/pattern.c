/*
 * pattern: string.find, string.match, string.gmatch and string.gsub for
 * the sandbox, with the work of matching charged to the plugin's budget.
 *
 * Lua's own matcher backtracks inside one C call, where no count hook
 * reaches: string.find(string.rep("a", 1e5), ".-.-.-.-.-.-b") runs for
 * hours. These functions behave as the reference manual says (Lua 5.4,
 * section 6.4.1: classes, sets, the four repetitions, %n, %b, %f,
 * captures and position captures, anchors; plain find; gsub with a string,
 * table or function; gmatch with an initial position, where '^' is an
 * ordinary character), raise the same errors, and charge one unit of the
 * budget for each step of the search (sandbox_charge), so that a runaway
 * pattern ends like a runaway loop.
 */
#define _GNU_SOURCE /* memmem */
#include "plugin_int.h"

#include <ctype.h>
#include <lauxlib.h>
#include <stddef.h>
#include <string.h>

#define MAX_CAPTURES 32       /* as LUA_MAXCAPTURES */
#define MAX_DEPTH 200         /* nested matches before "pattern too complex" */
#define CAP_UNFINISHED (-1)
#define CAP_POSITION (-2)
#define ESC '%'
#define SPECIALS "^$*+?.([%-"
#define CHARGE_EVERY 4096     /* steps charged at once */
#define BYTES_PER_STEP 16     /* bytes compared or copied: one step */

struct matcher {
	lua_State *L;
	const char *src, *src_end;
	const char *pat_end;
	int depth;                /* nested matches left */
	int level;                /* captures open or closed */
	long long steps;          /* not yet charged */
	struct {
		const char *init;
		ptrdiff_t len;    /* or CAP_UNFINISHED, CAP_POSITION */
	} capture[MAX_CAPTURES];
};

static void charge(struct matcher *m, long long steps)
{
	m->steps += steps;
	if (m->steps >= CHARGE_EVERY) {
		long long due = m->steps;
		m->steps = 0;
		sandbox_charge(m->L, due);
	}
}

/* Charges what is left (at the end of a call). */
static void settle(struct matcher *m)
{
	long long due = m->steps;
	m->steps = 0;
	if (due > 0)
		sandbox_charge(m->L, due);
}

static void matcher_start(struct matcher *m, lua_State *L, const char *s, size_t ls,
			  const char *p, size_t lp)
{
	m->L = L;
	m->src = s;
	m->src_end = s + ls;
	m->pat_end = p + lp;
	m->steps = 0;
}

/* Ready for a match attempt. */
static void matcher_reset(struct matcher *m)
{
	m->level = 0;
	m->depth = MAX_DEPTH;
}

/* The end of the single-character class that starts at P. */
static const char *class_end(struct matcher *m, const char *p)
{
	char c = *p++;
	if (c == ESC) {
		if (p == m->pat_end)
			luaL_error(m->L, "malformed pattern (ends with '%%')");
		return p + 1;
	}
	if (c == '[') {
		if (*p == '^')
			p++;
		/* the first character, even ']', belongs to the set */
		do {
			if (p == m->pat_end)
				luaL_error(m->L, "malformed pattern (missing ']')");
			c = *p++;
			if (c == ESC && p < m->pat_end)
				p++;
		} while (*p != ']');
		return p + 1;
	}
	return p;
}

/* Does C belong to the class %CL? */
static int class_matches(int c, int cl)
{
	int yes;
	switch (tolower(cl)) {
	case 'a': yes = isalpha(c); break;
	case 'c': yes = iscntrl(c); break;
	case 'd': yes = isdigit(c); break;
	case 'g': yes = isgraph(c); break;
	case 'l': yes = islower(c); break;
	case 'p': yes = ispunct(c); break;
	case 's': yes = isspace(c); break;
	case 'u': yes = isupper(c); break;
	case 'w': yes = isalnum(c); break;
	case 'x': yes = isxdigit(c); break;
	default: return cl == c;
	}
	return isupper(cl) ? !yes : yes != 0;
}

/* Does C belong to the set from P ('[') to END (its ']')? */
static int set_matches(int c, const char *p, const char *end)
{
	int inside = 1;
	if (p[1] == '^') {
		inside = 0;
		p++;
	}
	while (++p < end) {
		if (*p == ESC) {
			p++;
			if (class_matches(c, (unsigned char)*p))
				return inside;
		} else if (p[1] == '-' && p + 2 < end) {
			if ((unsigned char)p[0] <= c && c <= (unsigned char)p[2])
				return inside;
			p += 2;
		} else if ((unsigned char)*p == c) {
			return inside;
		}
	}
	return !inside;
}

/* Does the character at S match the class from P to END? */
static int single_matches(const struct matcher *m, const char *s, const char *p, const char *end)
{
	if (s >= m->src_end)
		return 0;
	int c = (unsigned char)*s;
	switch (*p) {
	case '.': return 1;
	case ESC: return class_matches(c, (unsigned char)p[1]);
	case '[': return set_matches(c, p, end - 1);
	default: return (unsigned char)*p == c;
	}
}

static const char *match(struct matcher *m, const char *s, const char *p);

/* %bxy at P (after "%b"): a balanced run from S. */
static const char *balanced(struct matcher *m, const char *s, const char *p)
{
	if (p >= m->pat_end - 1)
		luaL_error(m->L, "malformed pattern (missing arguments to '%%b')");
	if (*s != *p) /* at the subject's end, its terminating zero */
		return NULL;
	int open = *p, close = p[1], depth = 1;
	const char *start = s;
	while (++s < m->src_end) {
		if (*s == close) {
			if (--depth == 0) {
				charge(m, s - start);
				return s + 1;
			}
		} else if (*s == open) {
			depth++;
		}
	}
	charge(m, s - start);
	return NULL;
}

/* The class at P (to END) repeated as often as possible from S, then the rest. */
static const char *longest(struct matcher *m, const char *s, const char *p, const char *end)
{
	ptrdiff_t i = 0;
	while (single_matches(m, s + i, p, end))
		i++;
	charge(m, i);
	for (; i >= 0; i--) {
		const char *found = match(m, s + i, end + 1);
		if (found != NULL)
			return found;
	}
	return NULL;
}

/* The class at P (to END) repeated as little as possible from S, then the rest. */
static const char *shortest(struct matcher *m, const char *s, const char *p, const char *end)
{
	for (;;) {
		const char *found = match(m, s, end + 1);
		if (found != NULL)
			return found;
		if (!single_matches(m, s, p, end))
			return NULL;
		s++;
		charge(m, 1);
	}
}

static const char *open_capture(struct matcher *m, const char *s, const char *p, ptrdiff_t what)
{
	if (m->level >= MAX_CAPTURES)
		luaL_error(m->L, "too many captures");
	m->capture[m->level].init = s;
	m->capture[m->level].len = what;
	m->level++;
	const char *found = match(m, s, p);
	if (found == NULL)
		m->level--;
	return found;
}

static const char *close_capture(struct matcher *m, const char *s, const char *p)
{
	int open = m->level - 1;
	while (open >= 0 && m->capture[open].len != CAP_UNFINISHED)
		open--;
	if (open < 0)
		luaL_error(m->L, "invalid pattern capture");
	m->capture[open].len = s - m->capture[open].init;
	const char *found = match(m, s, p);
	if (found == NULL)
		m->capture[open].len = CAP_UNFINISHED;
	return found;
}

/* The capture index the character L names (from '1'), checked. */
static int capture_index(struct matcher *m, int l)
{
	l -= '1';
	if (l < 0 || l >= m->level || m->capture[l].len == CAP_UNFINISHED)
		return luaL_error(m->L, "invalid capture index %%%d", l + 1);
	return l;
}

/* %1 .. %9: the text of an earlier capture again, at S. */
static const char *same_as_capture(struct matcher *m, const char *s, int l)
{
	l = capture_index(m, l);
	size_t len = (size_t)m->capture[l].len; /* a position capture: never fits */
	if ((size_t)(m->src_end - s) >= len && memcmp(m->capture[l].init, s, len) == 0) {
		charge(m, (long long)(len / BYTES_PER_STEP));
		return s + len;
	}
	return NULL;
}

/* The end of a match of the pattern from P at S, or NULL. */
static const char *match(struct matcher *m, const char *s, const char *p)
{
	if (m->depth-- == 0)
		luaL_error(m->L, "pattern too complex");
	for (;;) {
		charge(m, 1);
		if (p == m->pat_end)
			break;
		if (*p == '(') {
			s = p[1] == ')' ? open_capture(m, s, p + 2, CAP_POSITION)
					: open_capture(m, s, p + 1, CAP_UNFINISHED);
			break;
		}
		if (*p == ')') {
			s = close_capture(m, s, p + 1);
			break;
		}
		if (*p == '$' && p + 1 == m->pat_end) {
			s = s == m->src_end ? s : NULL;
			break;
		}
		if (*p == ESC && p[1] == 'b') {
			s = balanced(m, s, p + 2);
			if (s == NULL)
				break;
			p += 4;
			continue;
		}
		if (*p == ESC && p[1] == 'f') {
			p += 2;
			if (*p != '[')
				luaL_error(m->L, "missing '[' after '%%f' in pattern");
			const char *end = class_end(m, p);
			int before = s == m->src ? '\0' : (unsigned char)s[-1];
			int at = (unsigned char)*s; /* the terminating zero at the end */
			if (!set_matches(before, p, end - 1) && set_matches(at, p, end - 1)) {
				p = end;
				continue;
			}
			s = NULL;
			break;
		}
		if (*p == ESC && isdigit((unsigned char)p[1])) {
			s = same_as_capture(m, s, (unsigned char)p[1]);
			if (s == NULL)
				break;
			p += 2;
			continue;
		}
		/* a single-character class, maybe repeated */
		const char *end = class_end(m, p);
		if (!single_matches(m, s, p, end)) {
			if (*end == '*' || *end == '?' || *end == '-') {
				p = end + 1; /* none is enough */
				continue;
			}
			s = NULL;
			break;
		}
		if (*end == '?') {
			const char *found = match(m, s + 1, end + 1);
			if (found != NULL) {
				s = found;
				break;
			}
			p = end + 1;
			continue;
		}
		if (*end == '+') {
			s = longest(m, s + 1, p, end);
			break;
		}
		if (*end == '*') {
			s = longest(m, s, p, end);
			break;
		}
		if (*end == '-') {
			s = shortest(m, s, p, end);
			break;
		}
		s++;
		p = end;
	}
	m->depth++;
	return s;
}

/* Pushes capture I of the match from S to E (the whole match when there
 * are no captures and I is 0); a position capture as its position. */
static void push_capture(struct matcher *m, int i, const char *s, const char *e)
{
	if (i >= m->level) {
		if (i != 0)
			luaL_error(m->L, "invalid capture index %%%d", i + 1);
		lua_pushlstring(m->L, s, (size_t)(e - s));
		return;
	}
	ptrdiff_t len = m->capture[i].len;
	if (len == CAP_UNFINISHED)
		luaL_error(m->L, "unfinished capture");
	if (len == CAP_POSITION)
		lua_pushinteger(m->L, (lua_Integer)(m->capture[i].init - m->src) + 1);
	else
		lua_pushlstring(m->L, m->capture[i].init, (size_t)len);
}

/* Pushes every capture (the whole match from S to E when there is none and
 * S is not NULL); returns how many. */
static int push_captures(struct matcher *m, const char *s, const char *e)
{
	int n = m->level == 0 && s != NULL ? 1 : m->level;
	luaL_checkstack(m->L, n, "too many captures");
	for (int i = 0; i < n; i++)
		push_capture(m, i, s, e);
	return n;
}

/* POS (1-based, negative from the end) as a position in a string of LEN. */
static size_t position(lua_Integer pos, size_t len)
{
	if (pos > 0)
		return (size_t)pos;
	if (pos == 0)
		return 1;
	if (pos < -(lua_Integer)len)
		return 1;
	return len + (size_t)pos + 1;
}

/* Has the pattern no special character (it may hold zeros)? */
static int plain_text(const char *p, size_t lp)
{
	size_t at = 0;
	do {
		if (strpbrk(p + at, SPECIALS) != NULL)
			return 0;
		at += strlen(p + at) + 1;
	} while (at <= lp);
	return 1;
}

static int find_or_match(lua_State *L, int find)
{
	size_t ls, lp;
	const char *s = luaL_checklstring(L, 1, &ls);
	const char *p = luaL_checklstring(L, 2, &lp);
	size_t init = position(luaL_optinteger(L, 3, 1), ls) - 1;
	sandbox_charge(L, 1);
	if (init > ls) {
		luaL_pushfail(L);
		return 1;
	}
	if (find && (lua_toboolean(L, 4) || plain_text(p, lp))) {
		/* linear time whatever the text (glibc's two-way search) */
		sandbox_charge(L, (long long)((ls - init + lp) / BYTES_PER_STEP));
		const char *at = memmem(s + init, ls - init, p, lp);
		if (at != NULL) {
			lua_pushinteger(L, (lua_Integer)(at - s) + 1);
			lua_pushinteger(L, (lua_Integer)(at - s + (ptrdiff_t)lp));
			return 2;
		}
		luaL_pushfail(L);
		return 1;
	}
	struct matcher m;
	const char *from = s + init;
	int anchor = *p == '^';
	if (anchor) {
		p++;
		lp--;
	}
	matcher_start(&m, L, s, ls, p, lp);
	do {
		matcher_reset(&m);
		const char *end = match(&m, from, p);
		if (end != NULL) {
			settle(&m);
			if (find) {
				lua_pushinteger(L, (lua_Integer)(from - s) + 1);
				lua_pushinteger(L, (lua_Integer)(end - s));
				return push_captures(&m, NULL, NULL) + 2;
			}
			return push_captures(&m, from, end);
		}
	} while (from++ < m.src_end && !anchor);
	settle(&m);
	luaL_pushfail(L);
	return 1;
}

int pattern_find(lua_State *L)
{
	return find_or_match(L, 1);
}

int pattern_match(lua_State *L)
{
	return find_or_match(L, 0);
}

/* gmatch's iterator state, a userdata kept with the subject and pattern. */
struct gmatch_state {
	struct matcher m;
	const char *from;
	const char *p;
	const char *last;         /* the end of the last match */
};

static int gmatch_next(lua_State *L)
{
	struct gmatch_state *g = lua_touserdata(L, lua_upvalueindex(3));
	g->m.L = L;
	g->m.steps = 0;
	for (const char *from = g->from; from <= g->m.src_end; from++) {
		matcher_reset(&g->m);
		const char *end = match(&g->m, from, g->p);
		if (end != NULL && end != g->last) {
			g->from = g->last = end;
			settle(&g->m);
			return push_captures(&g->m, from, end);
		}
	}
	settle(&g->m);
	return 0;
}

int pattern_gmatch(lua_State *L)
{
	size_t ls, lp;
	const char *s = luaL_checklstring(L, 1, &ls);
	const char *p = luaL_checklstring(L, 2, &lp);
	size_t init = position(luaL_optinteger(L, 3, 1), ls) - 1;
	sandbox_charge(L, 1);
	lua_settop(L, 2); /* the subject and pattern live as long as the iterator */
	struct gmatch_state *g = lua_newuserdatauv(L, sizeof *g, 0);
	if (init > ls)
		init = ls + 1;
	matcher_start(&g->m, L, s, ls, p, lp);
	g->from = s + init;
	g->p = p;
	g->last = NULL;
	lua_pushcclosure(L, gmatch_next, 3);
	return 1;
}

/* Appends the replacement string (argument 3) for the match from S to E. */
static void add_string(struct matcher *m, luaL_Buffer *b, const char *s, const char *e)
{
	lua_State *L = m->L;
	size_t l;
	const char *news = lua_tolstring(L, 3, &l);
	const char *p;
	charge(m, (long long)(l / BYTES_PER_STEP));
	while ((p = memchr(news, ESC, l)) != NULL) {
		luaL_addlstring(b, news, (size_t)(p - news));
		p++;
		if (*p == ESC) {
			luaL_addchar(b, *p);
		} else if (*p == '0') {
			luaL_addlstring(b, s, (size_t)(e - s));
		} else if (isdigit((unsigned char)*p)) {
			push_capture(m, *p - '1', s, e); /* a position becomes its digits */
			luaL_addvalue(b);
		} else {
			luaL_error(L, "invalid use of '%c' in replacement string", ESC);
		}
		l -= (size_t)(p + 1 - news);
		news = p + 1;
	}
	luaL_addlstring(b, news, l);
}

/* Appends the replacement of the match from S to E; 1 when it changed the text. */
static int add_replacement(struct matcher *m, luaL_Buffer *b, const char *s, const char *e,
			   int type)
{
	lua_State *L = m->L;
	if (type == LUA_TFUNCTION) {
		lua_pushvalue(L, 3);
		int n = push_captures(m, s, e);
		lua_call(L, n, 1);
	} else if (type == LUA_TTABLE) {
		push_capture(m, 0, s, e);
		lua_gettable(L, 3);
	} else {
		add_string(m, b, s, e);
		return 1;
	}
	if (!lua_toboolean(L, -1)) {
		lua_pop(L, 1);
		luaL_addlstring(b, s, (size_t)(e - s)); /* keeps the matched text */
		return 0;
	}
	if (!lua_isstring(L, -1))
		return luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
	luaL_addvalue(b);
	return 1;
}

int pattern_gsub(lua_State *L)
{
	size_t ls, lp;
	const char *src = luaL_checklstring(L, 1, &ls);
	const char *p = luaL_checklstring(L, 2, &lp);
	const char *last = NULL;
	int type = lua_type(L, 3);
	lua_Integer most = luaL_optinteger(L, 4, (lua_Integer)ls + 1);
	int anchor = *p == '^';
	lua_Integer n = 0;
	int changed = 0;
	struct matcher m;
	luaL_Buffer b;
	luaL_argexpected(L, type == LUA_TNUMBER || type == LUA_TSTRING || type == LUA_TFUNCTION ||
			 type == LUA_TTABLE, 3, "string/function/table");
	sandbox_charge(L, 1);
	luaL_buffinit(L, &b);
	if (anchor) {
		p++;
		lp--;
	}
	matcher_start(&m, L, src, ls, p, lp);
	while (n < most) {
		matcher_reset(&m);
		const char *end = match(&m, src, p);
		if (end != NULL && end != last) {
			n++;
			changed = add_replacement(&m, &b, src, end, type) | changed;
			src = last = end;
		} else if (src < m.src_end) {
			luaL_addchar(&b, *src++);
		} else {
			break;
		}
		if (anchor)
			break;
	}
	settle(&m);
	if (!changed) {
		lua_pushvalue(L, 1);
	} else {
		luaL_addlstring(&b, src, (size_t)(m.src_end - src));
		luaL_pushresult(&b);
	}
	lua_pushinteger(L, n);
	return 2;
}
