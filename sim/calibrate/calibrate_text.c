#include "calibrate_text.h"

#include <string.h>

#include "diag.h"

void calibrate_text_real(struct text_buffer *b, double value)
{
	char number[40];
	diag_format_number(value, number, sizeof number);
	text_buffer_printf(b, "%s%s", number, strpbrk(number, ".eEni") ? "" : ".0");
}

void calibrate_text_csv_field(struct text_buffer *b, const char *text)
{
	if (strpbrk(text, ",\t\"\r\n") == NULL) {
		text_buffer_printf(b, "%s", text);
		return;
	}
	text_buffer_printf(b, "\"");
	for (const char *at = text; *at != '\0';) {
		size_t run = strcspn(at, "\"");
		text_buffer_printf(b, "%.*s", (int)run, at);
		at += run;
		if (*at == '"') {
			text_buffer_printf(b, "\"\"");
			at++;
		}
	}
	text_buffer_printf(b, "\"");
}
