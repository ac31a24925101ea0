/*
 * csv_table: a spreadsheet's export read whole, as the office saves it:
 * UTF-8 with or without a byte-order mark, GB18030 (what Excel and WPS
 * write on a Chinese Windows), or UTF-16 with a byte-order mark (Excel's
 * "Unicode text"), converted to UTF-8 through iconv; fields separated by
 * commas, or by tabs when the first line holds a tab; quoting as RFC 4180,
 * parsed by libcsv. Each record keeps the line it starts on, for messages.
 */
#ifndef CCSIM_CSV_TABLE_H
#define CCSIM_CSV_TABLE_H

#include <stddef.h>

#include "diag.h"

struct csv_table {
	char encoding[24];      /* "UTF-8", "UTF-8 with BOM", "GB18030", "UTF-16LE", ... */
	char delimiter;         /* ',' or '\t' */
	int n_records;          /* the header is record 0; records of empty fields are left out */
	int *line;              /* [record]: the line it starts on (1-based) */
	size_t *first;          /* [record + 1]: its fields are field[first[r]] .. field[first[r + 1] - 1] */
	size_t *field;          /* offsets into text */
	char *text;             /* every field, UTF-8, zero-terminated, trimmed of spaces (U+3000 too) */
};

/*
 * Reads the table at PATH. Returns 0, or -1 with the problems in D (DIAG_INPUT
 * naming PATH and the line: a byte that is neither UTF-8 nor GB18030, an
 * unclosed quote; DIAG_SYSTEM when PATH cannot be read; DIAG_NO_MEMORY).
 */
int csv_table_read(const char *path, struct csv_table *t, struct diag *d);

/* As csv_table_read, from the SIZE bytes at BYTES; FILE names them in messages. */
int csv_table_parse(const char *bytes, size_t size, const char *file, struct csv_table *t,
		    struct diag *d);

void csv_table_free(struct csv_table *t);

/* The number of fields of record R. */
static inline int csv_table_width(const struct csv_table *t, int r)
{
	return (int)(t->first[r + 1] - t->first[r]);
}

/* Field C of record R, "" when the record has fewer fields. */
static inline const char *csv_table_field(const struct csv_table *t, int r, int c)
{
	return c < csv_table_width(t, r) ? t->text + t->field[t->first[r] + (size_t)c] : "";
}

/* The longest field a message shows whole, in characters. */
#define CSV_TABLE_SHOWN 40

/*
 * FIELD (UTF-8) as a message shows it, into OUT (SIZE bytes, at least
 * 4 * CSV_TABLE_SHOWN + 4): whole when it has at most CSV_TABLE_SHOWN
 * characters, else its first CSV_TABLE_SHOWN characters and an ellipsis, so
 * that a field of megabytes leaves the rest of its message readable.
 * Returns OUT.
 */
const char *csv_table_shown(const char *field, char *out, size_t size);

/*
 * Finds the columns of the header (record 0): for each wanted column w,
 * NAMES[w] lists the names it may have (NULL-terminated; English names
 * match without regard to case). INDEX[w] receives its position. A column
 * that is missing, or given twice, is a problem at the header's line naming
 * the accepted names. Returns 0 or -1.
 */
int csv_table_columns(const struct csv_table *t, const char *file, const char *const *const *names,
		      int n, int *index, struct diag *d);

#endif
