#include "report_html.h"

#include <ctype.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "i18n.h"

/* The assets, embedded at build time by report/embed.cmake. */
extern const char report_asset_css[], report_asset_script[], report_asset_chart[],
	report_asset_matrix[];

/* A growing text. */
struct page {
	char *text;
	size_t length, capacity;
	int failed;
};

static void put(struct page *p, const char *text, size_t length)
{
	if (p->failed)
		return;
	if (p->length + length + 1 > p->capacity) {
		size_t capacity = 2 * (p->length + length + 1);
		char *grown = realloc(p->text, capacity);
		if (grown == NULL) {
			p->failed = 1;
			return;
		}
		p->text = grown;
		p->capacity = capacity;
	}
	memcpy(p->text + p->length, text, length);
	p->length += length;
	p->text[p->length] = '\0';
}

static void puts_page(struct page *p, const char *text)
{
	put(p, text, strlen(text));
}

/* TEXT with &, <, >, " escaped, for HTML text and attributes. */
static void put_escaped(struct page *p, const char *text)
{
	for (; *text; text++) {
		switch (*text) {
		case '&': puts_page(p, "&amp;"); break;
		case '<': puts_page(p, "&lt;"); break;
		case '>': puts_page(p, "&gt;"); break;
		case '"': puts_page(p, "&quot;"); break;
		default: put(p, text, 1);
		}
	}
}

/*
 * JSON inside a script element. "</script" would end the element and "<!--"
 * would put the parser in its escaped state, so no "<", ">" or "&" reaches
 * the page: they can only stand inside JSON strings, where \u003c, \u003e
 * and \u0026 read back as the same characters.
 */
static void put_json(struct page *p, const char *json)
{
	for (const char *at = json; *at; at++) {
		switch (*at) {
		case '<': puts_page(p, "\\u003c"); break;
		case '>': puts_page(p, "\\u003e"); break;
		case '&': puts_page(p, "\\u0026"); break;
		default: put(p, at, 1);
		}
	}
}

/*
 * The page's messages in the chosen language: every t('...') of the
 * drawing script with its translation, as a JSON object (NULL in English,
 * where the script's own words stand). xgettext extracts the same calls
 * into the catalog.
 */
static char *script_messages(void)
{
	if (!i18n_is_chinese())
		return NULL;
	json_t *messages = json_object();
	for (const char *at = strstr(report_asset_script, "t('"); at != NULL && messages != NULL;
	     at = strstr(at, "t('")) {
		/* a call, not the end of a longer name (sort('...), split('...)) */
		int call = at == report_asset_script || !(isalnum((unsigned char)at[-1]) || at[-1] == '_');
		at += 3;
		char text[1024];
		size_t n = 0;
		while (*at && *at != '\'' && n + 1 < sizeof text) {
			if (*at == '\\' && at[1] != '\0')
				at++;
			text[n++] = *at++;
		}
		text[n] = '\0';
		if (call && *at == '\'' && n > 0)
			json_object_set_new(messages, text, json_string(gettext(text)));
	}
	char *json = messages ? json_dumps(messages, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(messages);
	return json;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* Loads FILE and checks that it is a ccsim result; NULL with the reason in D. */
static json_t *load_result(const char *file, struct diag *d)
{
	json_error_t error;
	json_t *root = json_load_file(file, 0, &error);
	if (root == NULL) {
		if (error.line > 0)
			diag_add_at(d, DIAG_INPUT, file, error.line, _("not valid JSON: %s"), error.text);
		else
			diag_add_at(d, DIAG_INPUT, file, 0, "%s", error.text);
		return NULL;
	}
	static const char *const commands[] = {"compare", "sweep", "sensitivity", "allocate", "optimize",
					       "calibrate"};
	const char *command = json_string_value(json_object_get(root, "command"));
	int known = command == NULL && json_object_get(root, "pass_probability") != NULL &&
		    json_object_get(root, "total") != NULL;
	for (size_t i = 0; command != NULL && i < sizeof commands / sizeof *commands; i++)
		known |= strcmp(command, commands[i]) == 0;
	if (!known) {
		diag_add_at(d, DIAG_INPUT, file, 0,
			    "not a ccsim result (written by ccsim run, compare, sweep, sensitivity, "
			    "allocate, optimize or calibrate with --json)");
		json_decref(root);
		return NULL;
	}
	return root;
}

int report_html_write(const char *const *files, int n, const char *output, struct diag *d)
{
	struct page p = {0};
	puts_page(&p, i18n_is_chinese() ? "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n"
					 : "<!DOCTYPE html>\n<html lang=\"en\">\n");
	puts_page(&p, "<head>\n<meta charset=\"utf-8\">\n"
		      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
	put_escaped(&p, _("ccsim report"));
	puts_page(&p, "</title>\n<style>\n");
	puts_page(&p, report_asset_css);
	puts_page(&p, "</style>\n</head>\n<body>\n<header><h1>");
	put_escaped(&p, _("ccsim report"));
	puts_page(&p, "</h1><p>ccsim " CCSIM_VERSION " &middot; ");
	for (int i = 0; i < n; i++) {
		if (i > 0)
			puts_page(&p, ", ");
		put_escaped(&p, base_name(files[i]));
	}
	puts_page(&p, "</p></header>\n<main id=\"report\"></main>\n");
	for (int i = 0; i < n; i++) {
		json_t *root = load_result(files[i], d);
		if (root == NULL) {
			free(p.text);
			return -1;
		}
		char *json = json_dumps(root, JSON_COMPACT | JSON_REAL_PRECISION(12));
		json_decref(root);
		if (json == NULL) {
			p.failed = 1;
			break;
		}
		puts_page(&p, "<script type=\"application/json\" class=\"ccsim-data\" data-file=\"");
		put_escaped(&p, base_name(files[i]));
		puts_page(&p, "\">");
		put_json(&p, json);
		puts_page(&p, "</script>\n");
		free(json);
	}
	char *messages = script_messages();
	if (messages != NULL) {
		puts_page(&p, "<script type=\"application/json\" id=\"ccsim-messages\">");
		put_json(&p, messages);
		puts_page(&p, "</script>\n");
		free(messages);
	}
	const char *const scripts[] = {report_asset_chart, report_asset_matrix, report_asset_script};
	for (size_t i = 0; i < sizeof scripts / sizeof *scripts; i++) {
		puts_page(&p, "<script>\n");
		puts_page(&p, scripts[i]);
		puts_page(&p, "\n</script>\n");
	}
	puts_page(&p, "</body>\n</html>\n");
	if (p.failed) {
		free(p.text);
		diag_add_at(d, DIAG_NO_MEMORY, NULL, 0, _("out of memory while writing %s"), output);
		return -1;
	}
	char error[512];
	int status = atomic_file_write(output, p.text, p.length, error, sizeof error);
	if (status != 0)
		diag_add_at(d, DIAG_SYSTEM, NULL, 0, "%s", error);
	free(p.text);
	return status == 0 ? 0 : -1;
}
