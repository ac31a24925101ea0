/*
 * i18n: the language ccsim speaks (GNU gettext). Messages are written in
 * English in the code, marked _("...") where they are printed and N_("...")
 * where they are only listed; po/zh_CN.po holds their Simplified Chinese.
 * JSON keys never change with the language.
 */
#ifndef CCSIM_I18N_H
#define CCSIM_I18N_H

#include <libintl.h>

#define _(text) gettext(text)
#define N_(text) (text)

enum i18n_language { I18N_ENGLISH, I18N_CHINESE };

/*
 * Chooses the language: LANG_FLAG ("zh", "zh_CN", "en"; NULL when not
 * given), else the environment (LC_ALL, LC_MESSAGES, LANG of zh_CN.* or
 * zh_* speak Chinese), else English; and points gettext at the catalogs
 * in the installed locale directory or, for a build tree never installed,
 * BUILD_LOCALE_DIR (may be NULL). Characters are read as UTF-8 (for
 * display widths); numbers keep the C locale's decimal point whatever the
 * language. Returns the language, or -1 when LANG_FLAG names none.
 */
int i18n_setup(const char *lang_flag, const char *build_locale_dir);

/* 1 when i18n_setup chose Chinese (read back from the process's LANGUAGE). */
int i18n_is_chinese(void);

/* The display width of the UTF-8 TEXT in terminal columns (a CJK
 * character takes two); invalid bytes count one column each. */
int i18n_width(const char *text);

#endif
