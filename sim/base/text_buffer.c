#include "text_buffer.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void text_buffer_printf(struct text_buffer *t, const char *fmt, ...)
{
	if (t->failed)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		t->failed = 1;
		return;
	}
	if (t->length + (size_t)n + 1 > t->capacity) {
		size_t capacity = (t->length + (size_t)n + 1) * 2;
		char *grown = realloc(t->data, capacity);
		if (grown == NULL) {
			t->failed = 1;
			return;
		}
		t->data = grown;
		t->capacity = capacity;
	}
	va_start(ap, fmt);
	vsnprintf(t->data + t->length, t->capacity - t->length, fmt, ap);
	va_end(ap);
	t->length += (size_t)n;
}

void text_buffer_csv_field(struct text_buffer *t, const char *text)
{
	text_buffer_printf(t, "\"");
	for (const char *at = text; *at; at++) {
		const char *quote = strchr(at, '"');
		size_t n = quote ? (size_t)(quote - at) : strlen(at);
		text_buffer_printf(t, "%.*s", (int)n, at);
		if (quote == NULL)
			break;
		text_buffer_printf(t, "\"\"");
		at = quote;
	}
	text_buffer_printf(t, "\"");
}

char *text_buffer_take(struct text_buffer *t)
{
	char *text = t->failed ? NULL : t->data ? t->data : calloc(1, 1);
	if (t->failed)
		free(t->data);
	t->data = NULL;
	t->length = t->capacity = 0;
	t->failed = 0;
	return text;
}

void text_buffer_free(struct text_buffer *t)
{
	free(t->data);
	t->data = NULL;
	t->length = t->capacity = 0;
	t->failed = 0;
}
