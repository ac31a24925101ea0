#include "text.h"

#include <stdlib.h>
#include <string.h>

char *text_copy(const char *text)
{
	size_t n = strlen(text) + 1;
	char *copy = malloc(n);
	if (copy == NULL)
		abort();
	memcpy(copy, text, n);
	return copy;
}
