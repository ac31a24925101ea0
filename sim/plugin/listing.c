/*
 * listing: every plugin found on the path, with its description, its
 * parameters' defaults and its hooks (the `plugins` command).
 */
#include "plugin_int.h"
#include "ccsim_limits.h"

#include <dirent.h>
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "i18n.h"

static int is_lua_file(const struct dirent *entry)
{
	size_t n = strlen(entry->d_name);
	return n > 4 && strcmp(entry->d_name + n - 4, ".lua") == 0;
}

/* What the listing shows of one plugin, read protected (read_plugin). */
struct listed {
	const char *text;
	size_t length;
	const char *file;
	char *description;
	struct policy_param *params;
	int n_params;
	int setup, week;
};

static int read_plugin(lua_State *L)
{
	struct listed *p = lua_touserdata(L, 1);
	lua_settop(L, 0);
	loader_push_table(L, p->text, p->length, p->file);
	loader_field(L, 1, "description");
	if ((p->description = text_copy(lua_tostring(L, -1))) == NULL)
		return sandbox_no_memory(L);
	if (loader_field(L, 1, "params") == LUA_TTABLE)
		params_read_defaults(L, -1, &p->params, &p->n_params);
	p->setup = loader_field(L, 1, "setup") == LUA_TFUNCTION;
	p->week = loader_field(L, 1, "week") == LUA_TFUNCTION;
	return 0;
}

static void listed_free(struct listed *p)
{
	free(p->description);
	for (int k = 0; k < p->n_params; k++)
		params_free(&p->params[k]);
	free(p->params);
}

/* Lists plugin STEM of FILE on OUT; 0, or -1 with the reason in D. */
static int list_one(const char *file, const char *stem, int shown, FILE *out, struct diag *d)
{
	struct sandbox sb = {0};
	struct rng stream;
	char message[1024];
	int no_memory = 0;
	rng_init(&stream, 0, PLUGIN_SETUP_REPLICATION, RNG_SUBSTREAM_POLICIES);
	sb.rng = &stream;
	sandbox_set_file(&sb, file);
	struct listed p = {0};
	p.file = file;
	char *text = loader_read(file, &p.length, message, sizeof message, &no_memory);
	if (text == NULL) {
		if (no_memory)
			diag_no_memory(d, _("reading a plugin"));
		else
			diag_add_plugin(d, stem, "load", sb.file, 0, "%s", message);
		return -1;
	}
	p.text = text;
	struct sandbox_error err;
	int status = -1;
	if (sandbox_open(&sb) == NULL)
		diag_no_memory(d, _("making a Lua state"));
	else if (sandbox_run(&sb, read_plugin, &p, LIMIT_PLUGIN_SETUP_INSTRUCTIONS, &err) != 0)
		sandbox_report(d, stem, "load", &err);
	else
		status = 0;
	if (sb.L != NULL)
		lua_close(sb.L);
	free(text);
	if (status == 0) {
		/* a description the catalogue knows (the library's) in the user's language */
		fprintf(out, "%s%s  (%s)\n  %s\n", shown ? "\n" : "", stem, file,
			p.description[0] ? _(p.description) : p.description);
		fprintf(out, _("  parameters (defaults):%s\n"), p.n_params ? "" : _(" none"));
		for (int k = 0; k < p.n_params; k++) {
			fprintf(out, "    %s = ", p.params[k].key);
			params_print_value(out, &p.params[k]);
			fputc('\n', out);
		}
		fprintf(out, _("  hooks: %s%s%s\n"), p.setup ? "setup" : "",
			p.setup && p.week ? ", " : "", p.week ? "week" : "");
	}
	listed_free(&p);
	return status;
}

int plugin_list(const struct plugin_path *path, FILE *out, FILE *err)
{
	int failures = 0, shown = 0;
	char **seen = NULL;
	int n_seen = 0;
	struct diag d;
	diag_init(&d, NULL);
	if (path->out_of_memory)
		diag_no_memory(&d, _("finding the plugins' folders"));
	for (int i = 0; i < path->n; i++) {
		struct dirent **entries;
		int n = scandir(path->dirs[i], &entries, is_lua_file, alphasort);
		for (int j = 0; j < n; j++) {
			char file[4096], stem[256];
			snprintf(file, sizeof file, "%s/%s", path->dirs[i], entries[j]->d_name);
			snprintf(stem, sizeof stem, "%.*s", (int)(strlen(entries[j]->d_name) - 4),
				 entries[j]->d_name);
			free(entries[j]);
			/* a plugin found in an earlier folder hides this one */
			int hidden = 0;
			for (int k = 0; k < n_seen && !hidden; k++)
				hidden = strcmp(seen[k], stem) == 0;
			if (hidden)
				continue;
			char **grown = realloc(seen, (size_t)(n_seen + 1) * sizeof *seen);
			if (grown != NULL)
				seen = grown;
			if (grown == NULL || (seen[n_seen] = text_copy(stem)) == NULL)
				diag_no_memory(&d, _("listing the plugins"));
			else
				n_seen++;
			if (list_one(file, stem, shown, out, &d) == 0)
				shown++;
			else
				failures++;
		}
		if (n > 0)
			free(entries);
	}
	for (int k = 0; k < n_seen; k++)
		free(seen[k]);
	free(seen);
	if (shown == 0)
		fprintf(out, _("no plugins found\n"));
	diag_print(&d, err);
	failures += d.out_of_memory && failures == 0;
	diag_free(&d);
	return failures;
}
