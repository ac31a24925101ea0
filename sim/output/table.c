#define _XOPEN_SOURCE 700
#include "table.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "i18n.h"

struct column {
	const char *header;
	enum table_align align;
	int max_width;
};

struct table {
	int columns;
	struct column *column;
	char **cells;            /* [row * columns + column] */
	int rows, capacity;
	int failed;
};

struct table *table_new(int columns)
{
	struct table *t = calloc(1, sizeof *t);
	if (t == NULL)
		return NULL;
	t->columns = columns;
	t->column = calloc((size_t)columns, sizeof *t->column);
	if (t->column == NULL) {
		free(t);
		return NULL;
	}
	return t;
}

void table_free(struct table *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < (size_t)t->rows * (size_t)t->columns; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->column);
	free(t);
}

void table_column(struct table *t, int column, const char *header, enum table_align align,
		  int max_width)
{
	t->column[column] = (struct column){header, align, max_width};
}

int table_row(struct table *t, const char *const *cells)
{
	if (t->failed)
		return -1;
	if (t->rows == t->capacity) {
		int capacity = t->capacity ? 2 * t->capacity : 16;
		char **grown = realloc(t->cells, (size_t)capacity * (size_t)t->columns * sizeof *grown);
		if (grown == NULL) {
			t->failed = 1;
			return -1;
		}
		t->cells = grown;
		t->capacity = capacity;
	}
	char **row = &t->cells[(size_t)t->rows * (size_t)t->columns];
	for (int c = 0; c < t->columns; c++) {
		row[c] = strdup(cells[c] ? cells[c] : "");
		if (row[c] == NULL)
			t->failed = 1;
	}
	t->rows++;
	return t->failed ? -1 : 0;
}

int table_rowf(struct table *t, const char *fmt, ...)
{
	char line[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	const char *cells[64];
	int n = 0;
	char *at = line;
	while (n < t->columns && n < 64) {
		cells[n++] = at;
		char *tab = strchr(at, '\t');
		if (tab == NULL)
			break;
		*tab = '\0';
		at = tab + 1;
	}
	while (n < t->columns && n < 64)
		cells[n++] = "";
	return table_row(t, cells);
}

int table_fit(const char *text, int width, char *out, size_t size)
{
	if (size == 0)
		return 0;
	int full = i18n_width(text);
	if (full <= width && strlen(text) < size) {
		memcpy(out, text, strlen(text) + 1);
		return full;
	}
	/* room for the ellipsis (one column, three bytes) */
	int room = width - 1;
	mbstate_t state;
	memset(&state, 0, sizeof state);
	size_t used = 0, left = strlen(text);
	int shown = 0;
	while (left > 0) {
		wchar_t c;
		size_t n = mbrtowc(&c, text, left, &state);
		int w;
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&state, 0, sizeof state);
			n = 1;
			w = 1;
		} else {
			w = wcwidth(c);
			w = w < 0 ? 1 : w;
		}
		if (shown + w > room || used + n + 4 > size)
			break;
		memcpy(out + used, text, n);
		used += n;
		shown += w;
		text += n;
		left -= n;
	}
	if (width >= 1 && used + 4 <= size) {
		memcpy(out + used, "\xe2\x80\xa6", 3);
		used += 3;
		shown++;
	}
	out[used] = '\0';
	return shown;
}

/* The cell or header text as shown in column C: fitted to its width. */
static int shown_width(const struct table *t, int c, const char *text)
{
	int w = i18n_width(text);
	int max = t->column[c].max_width;
	return max > 0 && w > max ? max : w;
}

static void print_cell(const struct table *t, FILE *out, int c, const char *text, int width,
		       int last)
{
	char fitted[1024];
	int max = t->column[c].max_width;
	int w = table_fit(text, max > 0 ? max : width, fitted, sizeof fitted);
	int pad = width - w;
	if (t->column[c].align == TABLE_RIGHT)
		fprintf(out, "%*s%s", pad, "", fitted);
	else if (last)
		fputs(fitted, out);
	else
		fprintf(out, "%s%*s", fitted, pad, "");
}

int table_print(const struct table *t, FILE *out, int indent)
{
	if (t->failed) {
		fprintf(out, "%*s", indent, "");
		fputs(_("(out of memory: the table could not be made)\n"), out);
		return -1;
	}
	int widths[64];
	int columns = t->columns < 64 ? t->columns : 64;
	for (int c = 0; c < columns; c++) {
		widths[c] = shown_width(t, c, t->column[c].header ? t->column[c].header : "");
		for (int r = 0; r < t->rows; r++) {
			int w = shown_width(t, c, t->cells[(size_t)r * (size_t)t->columns + (size_t)c]);
			if (w > widths[c])
				widths[c] = w;
		}
	}
	for (int r = -1; r < t->rows; r++) {
		const char *text[64];
		int last = 0; /* the last column with something to show: no spaces trail a line */
		for (int c = 0; c < columns; c++) {
			text[c] = r < 0 ? (t->column[c].header ? t->column[c].header : "")
					: t->cells[(size_t)r * (size_t)t->columns + (size_t)c];
			if (text[c][0] != '\0')
				last = c;
		}
		fprintf(out, "%*s", indent, "");
		for (int c = 0; c <= last; c++) {
			print_cell(t, out, c, text[c], widths[c], c == last);
			if (c < last)
				fputs("  ", out);
		}
		fputc('\n', out);
	}
	return 0;
}
