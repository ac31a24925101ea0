#include "text.h"

#include <stdlib.h>
#include <string.h>

char *text_copy(const char *text)
{
	size_t n = strlen(text) + 1;
	char *copy = malloc(n);
	if (copy != NULL)
		memcpy(copy, text, n);
	return copy;
}

char **text_copy_array(char *const *texts, int n)
{
	char **copies = calloc((size_t)n + 1, sizeof *copies);
	if (copies == NULL)
		return NULL;
	for (int i = 0; i < n; i++) {
		copies[i] = text_copy(texts[i]);
		if (copies[i] == NULL) {
			text_free_array(copies, i);
			return NULL;
		}
	}
	return copies;
}

void text_free_array(char **texts, int n)
{
	if (texts == NULL)
		return;
	for (int i = 0; i < n; i++)
		free(texts[i]);
	free(texts);
}
