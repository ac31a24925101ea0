/*
 * listing: every plugin found on the path, with its description, its
 * parameters' defaults and its hooks (the `plugins` command).
 */
#include "plugin_int.h"

#include <dirent.h>
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

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
			rng_init(&stream, 0, PLUGIN_SETUP_REPLICATION, RNG_SUBSTREAM_POLICIES);
			sb.rng = &stream;
			size_t length = 0;
			char message[1024];
			int no_memory = 0;
			char *text = loader_read(file, &length, message, sizeof message, &no_memory);
			if (text == NULL)
				snprintf(error, sizeof error, "%.100s: load: %.900s", stem, message);
			lua_State *L = text ? sandbox_open(&sb) : NULL;
			if (L == NULL || loader_load_table(L, &sb, text, length, file, stem, error,
							  sizeof error) != 0) {
				fprintf(err, "%s\n", L || text == NULL ? error : "out of memory");
				failures++;
				if (L)
					lua_close(L);
				free(text);
				continue;
			}
			free(text);
			lua_getfield(L, -1, "description");
			fprintf(out, "%s%s  (%s)\n  %s\n", shown++ ? "\n" : "", stem, file,
				lua_tostring(L, -1));
			lua_pop(L, 1);
			struct policy_param *params = NULL;
			int n_params = 0;
			if (lua_getfield(L, -1, "params") == LUA_TTABLE)
				n_params = params_read_defaults(L, stem, &params, error, sizeof error);
			lua_pop(L, 1);
			if (n_params < 0) {
				fprintf(err, "%s\n", error);
				failures++;
				n_params = 0;
			}
			fprintf(out, "  parameters (defaults):%s\n", n_params ? "" : " none");
			for (int k = 0; k < n_params; k++) {
				fprintf(out, "    %s = ", params[k].key);
				params_print_value(out, &params[k]);
				fputc('\n', out);
				params_free(&params[k]);
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
