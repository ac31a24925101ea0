#!/usr/bin/env bash
# The office's language: the Chinese summary (golden, the same for 1 and 2
# threads), the language from --lang or the environment, JSON that never
# changes with it, CSV that Excel and WPS open (a byte-order mark, headers in
# the language), and tables that line up with Chinese names.
# Usage: i18n_test.sh CCSIM SOURCE_DIR [--update]
set -u
ccsim=$1
src=$2
update=${3:-}
. "$(dirname "$0")/checks.sh"
demo="$src/scenarios/demo-city.cfg"
golden="$src/tests/golden/summary-zh.txt"
# display width of each line up to its last '%' (CJK characters take two columns)
widths() {
	python3 -c '
import sys, unicodedata
for line in sys.stdin.read().splitlines():
    if "%" in line:
        head = line[:line.rindex("%") + 1]
        print(sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in head))'
}

for t in 1 2; do
	"$ccsim" run "$demo" --reps 20000 --seed 5 --threads $t --lang zh >"$work/zh$t.txt" 2>"$work/err"
	tail -n +2 "$work/zh$t.txt" >"$work/zh$t.body"
done
check "Chinese summary the same for 1 and 2 threads" cmp -s "$work/zh1.body" "$work/zh2.body"
if [ "$update" = --update ]; then cp "$work/zh1.body" "$golden"; fi
check "Chinese summary as the golden one" cmp -s "$work/zh1.body" "$golden"
check "first line in Chinese" grep -q '模拟次数 20000，随机种子 5' "$work/zh1.txt"
check "valid UTF-8" iconv -f UTF-8 -t UTF-8 "$work/zh1.txt" -o /dev/null

LANG=zh_CN.UTF-8 "$ccsim" run "$demo" --reps 2000 --quiet --json "$work/env.json"
check "LANG=zh_CN.UTF-8 speaks Chinese" bash -c "LANG=zh_CN.UTF-8 '$ccsim' run '$demo' --reps 2000 | grep -q '通过概率'"
check "LC_MESSAGES=zh_CN.GB18030 speaks Chinese" bash -c "LANG= LC_MESSAGES=zh_CN.GB18030 '$ccsim' run '$demo' --reps 2000 | grep -q '通过概率'"
check "--lang en overrides the environment" bash -c "LANG=zh_CN.UTF-8 '$ccsim' run '$demo' --reps 2000 --lang en | grep -q 'Pass probability'"
check "English by default" bash -c "LANG=C '$ccsim' run '$demo' --reps 2000 | grep -q 'Pass probability'"
check "--lang xx is refused" [ "$(status "$ccsim" run "$demo" --lang xx)" = 2 ]
check "--lang xx names the languages" grep -q 'zh' "$work/err"

"$ccsim" run "$demo" --reps 2000 --quiet --lang en --json "$work/en.json"
"$ccsim" run "$demo" --reps 2000 --quiet --lang zh --json "$work/zh.json"
check "JSON keys and values never change with the language" \
	cmp -s <(comparable "$work/en.json") <(comparable "$work/zh.json")

"$ccsim" run "$demo" --reps 2000 --quiet --lang zh --csv "$work/zh.csv"
"$ccsim" run "$demo" --reps 2000 --quiet --lang en --csv "$work/en.csv"
"$ccsim" run "$demo" --reps 2000 --quiet --lang en --excel --csv "$work/excel.csv"
check "Chinese CSV starts with a byte-order mark" bash -c "head -c 3 '$work/zh.csv' | od -An -tx1 | grep -q 'ef bb bf'"
check "--excel CSV starts with a byte-order mark" bash -c "head -c 3 '$work/excel.csv' | od -An -tx1 | grep -q 'ef bb bf'"
check "plain English CSV has none" bash -c "head -c 5 '$work/en.csv' | grep -q '^table'"
check "the CSV with a mark reads back in Python, headers in Chinese" python3 - "$work/zh.csv" <<'PY'
import csv, sys
with open(sys.argv[1], encoding="utf-8-sig", newline="") as f:
    rows = list(csv.reader(f))
assert rows[0][0] == "表" and rows[0][2] == "失分", rows[0]
assert rows[1][0] == "区" and rows[1][1] == "Chengguan", rows[1]
assert all(len(r) == len(rows[0]) for r in rows), "ragged rows"
float(rows[1][2])  # numbers as plain numbers
PY

# Chinese names: every line of the district table ends its columns at the same width
sed -e 's/"Chengguan"/"城关区"/g; s/"Qilihe"/"七里河区"/g; s/"Xigu"/"西固区"/g' "$demo" >"$work/cn.cfg"
"$ccsim" run "$work/cn.cfg" --reps 2000 --lang zh >"$work/cn.txt" 2>"$work/err"
sed -n '/各区实地考察失分/,/按每个被查点位/p' "$work/cn.txt" | grep '%' | widths | sort -u >"$work/cn.widths"
check "district table lines up with Chinese names" [ "$(wc -l <"$work/cn.widths")" = 1 ]
check "Chinese names shown whole" grep -q '七里河区' "$work/cn.txt"
"$ccsim" run "$work/cn.cfg" --reps 2000 --lang en >"$work/cn-en.txt" 2>"$work/err"
sed -n '/Districts by field points lost/,/Ranked by/p' "$work/cn-en.txt" | grep '%' | widths | sort -u >"$work/cn-en.widths"
check "English table lines up with Chinese names" [ "$(wc -l <"$work/cn-en.widths")" = 1 ]
checks_done
