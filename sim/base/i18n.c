#define _XOPEN_SOURCE 700
#include "i18n.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <wchar.h>

#ifndef CCSIM_LOCALE_DIR
#define CCSIM_LOCALE_DIR "/usr/local/share/locale"
#endif

/* 1 when the locale name NAME asks for Chinese. */
static int names_chinese(const char *name)
{
	return name != NULL && strncmp(name, "zh", 2) == 0 && (name[2] == '\0' || name[2] == '_' ||
							     name[2] == '.' || name[2] == '-');
}

static int is_directory(const char *path)
{
	struct stat st;
	return path != NULL && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int i18n_setup(const char *lang_flag, const char *build_locale_dir)
{
	enum i18n_language language = I18N_ENGLISH;
	if (lang_flag != NULL) {
		if (names_chinese(lang_flag))
			language = I18N_CHINESE;
		else if (strncmp(lang_flag, "en", 2) != 0)
			return -1;
	} else {
		/* the first of these that is set decides, as for LC_MESSAGES */
		const char *vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
		for (size_t i = 0; i < sizeof vars / sizeof *vars; i++) {
			const char *value = getenv(vars[i]);
			if (value != NULL && *value) {
				language = names_chinese(value) ? I18N_CHINESE : I18N_ENGLISH;
				break;
			}
		}
	}
	/* Characters and messages follow the user; numbers never do (a
	 * decimal comma would change what ccsim reads and writes). A machine
	 * without the user's locale still has C.UTF-8. */
	if (setlocale(LC_CTYPE, "") == NULL || strcmp(setlocale(LC_CTYPE, NULL), "C") == 0)
		setlocale(LC_CTYPE, "C.UTF-8");
	if (setlocale(LC_MESSAGES, "") == NULL || strcmp(setlocale(LC_MESSAGES, NULL), "C") == 0)
		setlocale(LC_MESSAGES, "C.UTF-8");
	/* gettext reads LANGUAGE before the locale: it decides alone */
	setenv("LANGUAGE", language == I18N_CHINESE ? "zh_CN" : "en", 1);
	const char *dir = is_directory(CCSIM_LOCALE_DIR "/zh_CN/LC_MESSAGES") || build_locale_dir == NULL
				  ? CCSIM_LOCALE_DIR
				  : build_locale_dir;
	bindtextdomain("ccsim", dir);
	bind_textdomain_codeset("ccsim", "UTF-8");
	textdomain("ccsim");
	return (int)language;
}

int i18n_is_chinese(void)
{
	const char *language = getenv("LANGUAGE");
	return language != NULL && names_chinese(language);
}

int i18n_width(const char *text)
{
	mbstate_t state;
	memset(&state, 0, sizeof state);
	int width = 0;
	size_t left = strlen(text);
	while (left > 0) {
		wchar_t c;
		size_t n = mbrtowc(&c, text, left, &state);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&state, 0, sizeof state);
			width++;
			text++;
			left--;
			continue;
		}
		int w = wcwidth(c);
		width += w < 0 ? 1 : w;
		text += n;
		left -= n;
	}
	return width;
}
