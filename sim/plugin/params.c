/*
 * params: the parameters a plugin declares (its `params` table, the
 * defaults) and the values a scenario's policy gives them.
 */
#include "plugin_int.h"
#include "ccsim_limits.h"
#include "i18n.h"

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
	for (int i = 0; p->strings != NULL && i < p->count; i++)
		free(p->strings[i]);
	free(p->strings);
	memset(p, 0, sizeof *p);
}

/* Makes TO a copy of FROM, keeping TO's key; -1 (TO emptied) when out of memory. */
static int params_copy(struct policy_param *to, const struct policy_param *from)
{
	char *key = text_copy(to->key ? to->key : from->key);
	params_free(to);
	*to = *from;
	to->key = key;
	to->string = from->string ? text_copy(from->string) : NULL;
	to->numbers = NULL;
	to->strings = NULL;
	int failed = key == NULL || (from->string != NULL && to->string == NULL);
	if (from->type == POLICY_VALUE_NUMBERS) {
		to->numbers = calloc((size_t)from->count + 1, sizeof *to->numbers);
		if (to->numbers != NULL)
			memcpy(to->numbers, from->numbers, (size_t)from->count * sizeof *to->numbers);
		failed |= to->numbers == NULL;
	} else if (from->type == POLICY_VALUE_STRINGS) {
		to->strings = calloc((size_t)from->count + 1, sizeof *to->strings);
		failed |= to->strings == NULL;
		for (int i = 0; !failed && i < from->count; i++)
			failed |= (to->strings[i] = text_copy(from->strings[i])) == NULL;
	}
	if (failed) {
		params_free(to);
		return -1;
	}
	return 0;
}

static int params_compare(const void *a, const void *b)
{
	return strcmp(((const struct policy_param *)a)->key, ((const struct policy_param *)b)->key);
}

static const char *params_type_name(enum policy_value_type type)
{
	switch (type) {
	case POLICY_VALUE_NUMBER: return _("a number");
	case POLICY_VALUE_BOOLEAN: return _("a boolean");
	case POLICY_VALUE_STRING: return _("a string");
	case POLICY_VALUE_NUMBERS: return _("an array of numbers");
	default: return _("an array of strings");
	}
}

/* A copy of the string at INDEX, or a memory error. */
static char *copy_string(lua_State *L, int index)
{
	char *copy = text_copy(lua_tostring(L, index));
	if (copy == NULL)
		sandbox_no_memory(L);
	return copy;
}

/* Reads the array at the top into P (its key set). */
static void read_array(lua_State *L, struct policy_param *p)
{
	lua_Unsigned length = lua_rawlen(L, -1);
	if (length > LIMIT_PLUGIN_PARAM_ITEMS)
		luaL_error(L, "params.%s has %llu items, more than %d", p->key,
			   (unsigned long long)length, LIMIT_PLUGIN_PARAM_ITEMS);
	lua_rawgeti(L, -1, 1);
	p->type = lua_type(L, -1) == LUA_TSTRING ? POLICY_VALUE_STRINGS : POLICY_VALUE_NUMBERS;
	lua_pop(L, 1);
	p->count = (int)length;
	if (p->type == POLICY_VALUE_NUMBERS)
		p->numbers = calloc((size_t)p->count + 1, sizeof *p->numbers);
	else
		p->strings = calloc((size_t)p->count + 1, sizeof *p->strings);
	if (p->numbers == NULL && p->strings == NULL)
		sandbox_no_memory(L);
	for (int i = 0; i < p->count; i++) {
		int type = lua_rawgeti(L, -1, i + 1);
		if (p->type == POLICY_VALUE_STRINGS && type == LUA_TSTRING)
			p->strings[i] = copy_string(L, -1);
		else if (p->type == POLICY_VALUE_NUMBERS && type == LUA_TNUMBER)
			p->numbers[i] = lua_tonumber(L, -1);
		else
			luaL_error(L, "params.%s must hold numbers or strings, all of one kind", p->key);
		lua_pop(L, 1);
	}
}

void params_read_defaults(lua_State *L, int index, struct policy_param **out, int *n)
{
	index = lua_absindex(L, index);
	lua_pushnil(L);
	while (lua_next(L, index) != 0) {
		if (lua_type(L, -2) != LUA_TSTRING)
			luaL_error(L, "params keys must be names");
		/* the slot first: whatever it holds is freed with the rest on an error */
		struct policy_param *grown = realloc(*out, (size_t)(*n + 1) * sizeof *grown);
		if (grown == NULL)
			sandbox_no_memory(L);
		*out = grown;
		struct policy_param *p = &grown[(*n)++];
		memset(p, 0, sizeof *p);
		p->key = copy_string(L, -2);
		int type = lua_type(L, -1);
		if (type == LUA_TNUMBER) {
			p->type = POLICY_VALUE_NUMBER;
			p->number = lua_tonumber(L, -1);
		} else if (type == LUA_TBOOLEAN) {
			p->type = POLICY_VALUE_BOOLEAN;
			p->number = lua_toboolean(L, -1);
		} else if (type == LUA_TSTRING) {
			p->type = POLICY_VALUE_STRING;
			p->string = copy_string(L, -1);
		} else if (type == LUA_TTABLE) {
			read_array(L, p);
		} else {
			luaL_error(L, "params.%s must be a number, boolean, string or array, not %s",
				   p->key, luaL_typename(L, -1));
		}
		lua_pop(L, 1);
	}
	if (*n > 1)
		qsort(*out, (size_t)*n, sizeof **out, params_compare);
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

/* TEXT in double quotes as a scenario file writes it (libconfig's escapes), so
 * that a quote or a line break in it cannot end or split what is listed. */
static void print_quoted(FILE *out, const char *text)
{
	fputc('"', out);
	for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
		if (*c == '"' || *c == '\\')
			fprintf(out, "\\%c", *c);
		else if (*c == '\n')
			fputs("\\n", out);
		else if (*c == '\t')
			fputs("\\t", out);
		else if (*c < 0x20 || *c == 0x7f)
			fprintf(out, "\\x%02x", *c);
		else
			fputc(*c, out);
	}
	fputc('"', out);
}

void params_print_value(FILE *out, const struct policy_param *p)
{
	switch (p->type) {
	case POLICY_VALUE_NUMBER: fprintf(out, "%g", p->number); break;
	case POLICY_VALUE_BOOLEAN: fputs(p->number != 0.0 ? "true" : "false", out); break;
	case POLICY_VALUE_STRING: print_quoted(out, p->string); break;
	default:
		fputc('[', out);
		for (int i = 0; i < p->count; i++) {
			if (p->type == POLICY_VALUE_NUMBERS)
				fprintf(out, "%s%g", i ? ", " : "", p->numbers[i]);
			else {
				fputs(i ? ", " : "", out);
				print_quoted(out, p->strings[i]);
			}
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
			diag_add_at(d, DIAG_INPUT, p->file, given->line,
				    _("policy %d (%s): unknown parameter '%s'; %s knows %s"),
				 index + 1, p->plugin, given->key, p->plugin,
				 n_defaults ? list : _("no parameters"));
			continue;
		}
		/* an empty array matches an array of either kind */
		int arrays = (given->type == POLICY_VALUE_NUMBERS || given->type == POLICY_VALUE_STRINGS) &&
			     (known->type == POLICY_VALUE_NUMBERS || known->type == POLICY_VALUE_STRINGS);
		int same = given->type == known->type ||
			   (arrays && (given->count == 0 || known->count == 0));
		if (!same) {
			diag_add_at(d, DIAG_INPUT, p->file, given->line,
				    _("policy %d (%s): params.%s must be %s, like its default"),
				 index + 1, p->plugin, given->key, params_type_name(known->type));
			continue;
		}
		enum policy_value_type type = given->count == 0 ? known->type : given->type;
		if (params_copy(known, given) != 0) {
			diag_no_memory(d, _("reading a policy's parameters"));
			return;
		}
		known->type = type;
		/* an empty array given for an array of strings: still an array of strings */
		if (type == POLICY_VALUE_STRINGS && known->strings == NULL &&
		    (known->strings = calloc(1, sizeof *known->strings)) == NULL) {
			diag_no_memory(d, _("reading a policy's parameters"));
			return;
		}
	}
}
