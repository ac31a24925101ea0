/*
 * calibrate_text: what the files calibrate and ledger write add to a
 * text_buffer: numbers that read back exactly, and CSV fields.
 */
#ifndef CCSIM_CALIBRATE_TEXT_H
#define CCSIM_CALIBRATE_TEXT_H

#include "text_buffer.h"

/* VALUE as a real number that reads back exactly (the shortest of %.15g
 * and %.17g that does), always with a decimal point or an exponent, as
 * libconfig wants a real. */
void calibrate_text_real(struct text_buffer *b, double value);

/* TEXT as one CSV field: quoted (quotes doubled) when it holds a comma, a
 * tab, a quote or a line break. */
void calibrate_text_csv_field(struct text_buffer *b, const char *text);

#endif
