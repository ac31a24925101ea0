/*
 * text_buffer: a growing text, for documents written piece by piece (CSV,
 * summaries). Start one zeroed ({0}). Running out of memory never aborts:
 * the buffer is marked failed, later appends do nothing and
 * text_buffer_take returns NULL.
 */
#ifndef CCSIM_TEXT_BUFFER_H
#define CCSIM_TEXT_BUFFER_H

#include <stddef.h>

struct text_buffer {
	char *data;
	size_t length, capacity;
	int failed;
};

/* Appends FMT formatted, printf-style. */
void text_buffer_printf(struct text_buffer *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Appends TEXT as one CSV field (RFC 4180): in double quotes, each quote
 * doubled, so that commas, quotes and line breaks in names survive. */
void text_buffer_csv_field(struct text_buffer *t, const char *text);

/* The whole text (free with free(); "" when nothing was appended), or NULL
 * when memory ran out. The buffer is left empty. */
char *text_buffer_take(struct text_buffer *t);

/* Frees the text; the buffer is left empty. */
void text_buffer_free(struct text_buffer *t);

#endif
