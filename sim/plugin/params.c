/*
 * params: the parameters a plugin declares (its `params` table, the
 * defaults) and the values a scenario's policy gives them.
 */
#include "plugin_int.h"

#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

void params_free(struct policy_param *p)
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

static void params_copy(struct policy_param *to, const struct policy_param *from)
{
	char *key = text_copy(to->key ? to->key : from->key);
	params_free(to);
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

static int params_compare(const void *a, const void *b)
{
	return strcmp(((const struct policy_param *)a)->key, ((const struct policy_param *)b)->key);
}

static const char *params_type_name(enum policy_value_type type)
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
int params_read_defaults(lua_State *L, const char *stem, struct policy_param **out, char *error,
			 size_t size)
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
					params_free(&p);
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
			params_free(&p);
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
		qsort(params, (size_t)n, sizeof *params, params_compare);
	*out = params;
	return n;
fail:
	lua_pop(L, 2);
	for (int i = 0; i < n; i++)
		params_free(&params[i]);
	free(params);
	return -1;
}

static void params_push_value(lua_State *L, const struct policy_param *p)
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

void params_push(lua_State *L, const struct policy_param *params, int n)
{
	lua_createtable(L, 0, n);
	for (int i = 0; i < n; i++) {
		params_push_value(L, &params[i]);
		lua_setfield(L, -2, params[i].key);
	}
}

void params_print_value(FILE *out, const struct policy_param *p)
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
void params_merge(const struct policy *p, int index, struct policy_param *defaults,
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
				 index + 1, p->plugin, given->key, params_type_name(known->type));
			continue;
		}
		enum policy_value_type type = given->count == 0 ? known->type : given->type;
		params_copy(known, given);
		known->type = type;
		if (type == POLICY_VALUE_STRINGS && known->strings == NULL) {
			known->strings = calloc(1, sizeof *known->strings);
			if (known->strings == NULL)
				abort();
		}
	}
}
