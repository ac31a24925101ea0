#!/usr/bin/env bash
# The Chinese catalog: valid, complete (every message the code marks has a
# translation) and true to the glossary of the campaign's terms.
# Usage: po_test.sh SOURCE_DIR
set -u
src=$1
. "$(dirname "$0")/checks.sh"

check "zh_CN.po compiles with --check" msgfmt --check -o /dev/null "$src/po/zh_CN.po"
check "glossary.po compiles with --check" msgfmt --check -o /dev/null "$src/po/glossary.po"
# every message id the code uses: _("...") and N_("...") in C, t('...') in the report's script
(cd "$src" && find sim -name '*.c' | sort >"$work/c-files")
check "messages extracted from C" xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ \
	--language=C --no-location -D "$src" -f "$work/c-files" -o "$work/c.pot" --force-po
check "messages extracted from the report" xgettext --from-code=UTF-8 --keyword=t \
	--language=JavaScript --no-location -o "$work/js.pot" --force-po "$src/report/report.js"
check "one template" msgcat --force-po --use-first -o "$work/ccsim.pot" "$work/c.pot" "$work/js.pot"
# msgcmp fails when a message of the template has no translation in the catalog
check "every message translated" msgcmp "$src/po/zh_CN.po" "$work/ccsim.pot"
check "no fuzzy or untranslated entry" bash -c \
	"[ -z \"\$(msgattrib --only-fuzzy --no-obsolete '$src/po/zh_CN.po')\" ] && [ -z \"\$(msgattrib --untranslated --no-obsolete '$src/po/zh_CN.po')\" ]"
# the glossary's terms: a message that uses one translates it as the glossary says
check "translations follow the glossary" python3 - "$src/po/glossary.po" "$src/po/zh_CN.po" <<'PY'
import re, sys
def entries(path):
    text = open(path, encoding="utf-8").read()
    out = []
    for block in text.split("\n\n"):
        if block.lstrip().startswith("#~"):
            continue
        def field(name):
            m = re.search(r'^' + name + r' ((?:".*"\n?)+)', block + "\n", re.M)
            if not m:
                return None
            return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1)))
        i, s = field("msgid"), field("msgstr") or field(r"msgstr\[0\]")
        if i:
            out.append((i, s or ""))
    return out
glossary = entries(sys.argv[1])
bad = []
for msgid, msgstr in entries(sys.argv[2]):
    for term, chinese in glossary:
        if re.search(r"(?<![\w'])" + re.escape(term) + r"(?![\w'])", msgid, re.I) and chinese not in msgstr:
            bad.append(f"{msgid!r}: uses '{term}' but its translation lacks '{chinese}'")
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
PY
checks_done
