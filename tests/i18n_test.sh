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
# Every table of every command with Chinese names, in Chinese and in English:
# each line of a table (its header to the next blank line) ends at the same
# display width, and the output is valid UTF-8 with the names whole.
# aligned FILE HEADER [FILTER]: the table whose header line matches HEADER
# (a Python regex), its lines matching FILTER (default: all)
aligned() {
	python3 - "$@" <<'PY2'
import re, sys, unicodedata
path, header = sys.argv[1], sys.argv[2]
keep = re.compile(sys.argv[3]) if len(sys.argv) > 3 else None
lines = open(path, encoding="utf-8").read().split("\n")
start = next((i for i, l in enumerate(lines) if re.search(header, l)), None)
if start is None:
    sys.exit(f"{path}: no table headed {header!r}")
table = []
for l in lines[start:]:
    if not l.strip():
        break
    if keep is None or l is lines[start] or keep.search(l):
        table.append(l)
width = lambda l: sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in l)
widths = sorted({width(l) for l in table})
if len(table) < 2 or len(widths) != 1 or any(l != l.rstrip() for l in table):
    sys.exit(f"{path}: table {header!r} of {len(table)} lines, widths {widths}:\n" + "\n".join(table))
PY2
}
cn_run() { # NAME LANG ARGS...: runs ccsim into $work/NAME.txt and checks it is valid UTF-8
	local name=$1 lang=$2 program
	program=$(realpath "$ccsim")
	shift 2
	(cd "$work" && "$program" "$@" --lang "$lang" >"$work/$name.txt" 2>"$work/$name.err")
	check "$name: runs" [ $? = 0 ]
	check "$name: valid UTF-8" iconv -f UTF-8 -t UTF-8 "$work/$name.txt" -o /dev/null
}
path=districts.城关区.rectify_rate
sed -e 's/"East"/"东岗"/; s/"Old Town"/"城关区"/' "$src/tests/data/rivals.cfg" >"$work/rivals.cfg"
sed -e 's/"Qilihe"/"七里河区"/g; s/"Xigu"/"西固区"/g; s/"Chengguan"/"城关区"/g' \
	"$src/scenarios/policy-road-chief.cfg" >"$work/road.cfg"
cp "$src/tests/data/calibrate/city.cfg" "$src/tests/data/calibrate/hand-bom-zh.csv" "$work/"
for lang in zh en; do
	cn_run check-$lang $lang check rivals.cfg
	check "check $lang: the categories' table" aligned "$work/check-$lang.txt" '^  name +weight'
	check "check $lang: a district's table" aligned "$work/check-$lang.txt" '^    category +sites' '^    '
	check "check $lang: the competitors' table" aligned "$work/check-$lang.txt" '^  competitor +mean'
	check "check $lang: Chinese names whole" grep -q '东岗' "$work/check-$lang.txt"
	cn_run compare-$lang $lang compare cn.cfg+road.cfg \
		--variant "城关区加快整改: $path=0.3" --variant "七里河区: districts.七里河区.rectify_rate=0.3" \
		--reps 300 --seed 3
	check "compare $lang: the variants" aligned "$work/compare-$lang.txt" '^(variant|方案) +P\(pass\)' '±'
	check "compare $lang: the costs" aligned "$work/compare-$lang.txt" '^(variant|方案) +(policy cost|政策成本)' \
		'(same cost|相同|points / unit|每单位)'
	check "compare $lang: Chinese names whole" grep -q '^城关区加快整改 ' "$work/compare-$lang.txt"
	cn_run sweep-$lang $lang sweep cn.cfg --param $path=0.1:0.3:3 --param districts.西固区.rectify_rate=0.1:0.2:2 \
		--reps 200 --seed 3
	check "sweep $lang: the grid" aligned "$work/sweep-$lang.txt" "^$path "
	cn_run tornado-$lang $lang sensitivity cn.cfg --param $path=0.08:0.2 --param defaults.rectify_rate=0.08:0.2 \
		--reps 200 --seed 3
	check "tornado $lang: the inputs" aligned "$work/tornado-$lang.txt" '^(input|输入) '
	check "tornado $lang: the path whole" grep -q "^$path " "$work/tornado-$lang.txt"
	cn_run morris-$lang $lang sensitivity cn.cfg --method morris --trajectories 2 --param $path=0.08:0.2 \
		--param defaults.rectify_rate=0.08:0.2 --reps 50 --seed 3
	check "morris $lang: the inputs" aligned "$work/morris-$lang.txt" '^(input|输入) '
	cn_run sobol-$lang $lang sensitivity cn.cfg --method sobol --samples 4 --bootstrap 20 --param $path=0.08:0.2 \
		--param defaults.rectify_rate=0.08:0.2 --reps 50 --seed 3
	check "sobol $lang: the inputs" aligned "$work/sobol-$lang.txt" '^(input|输入) '
	cn_run solve-$lang $lang solve cn.cfg --param $path --target 0.8 --range 0.05:0.5 --reps 300 --seed 3
	check "solve $lang: the ends" aligned "$work/solve-$lang.txt" "^ +$path "
	cn_run calibrate-$lang $lang calibrate city.cfg hand-bom-zh.csv -o overlay-$lang.cfg --pool
	check "calibrate $lang: the estimates" aligned "$work/calibrate-$lang.txt" '^(district|区) '
	check "calibrate $lang: the priors" aligned "$work/calibrate-$lang.txt" '^(category|点位类别) +rectify_rate'
	check "calibrate $lang: Chinese names whole" grep -q '^西固 ' "$work/calibrate-$lang.txt"
	cn_run run-$lang $lang run cn.cfg --reps 500 --seed 3
	check "run $lang: the districts" aligned "$work/run-$lang.txt" '^  (district|区) ' '%$'
done
# in Chinese, the decision commands speak Chinese
check "compare speaks Chinese" grep -q '每个方案模拟次数 300' "$work/compare-zh.txt"
# the first variant of one scenario: 基准 on the terminal, base in the JSON
"$ccsim" compare "$demo" --variant "快: defaults.rectify_rate=0.2" --reps 200 --lang zh \
	--json "$work/base-zh.json" >"$work/base-zh.txt" 2>"$work/err"
check "compare's base is 基准 in Chinese" grep -q '^基准 ' "$work/base-zh.txt"
check "compare's base, named in the first line" grep -q '与 基准 的差值' "$work/base-zh.txt"
check "compare's base stays base in the JSON" grep -q '"name": "base"' "$work/base-zh.json"
check "sweep speaks Chinese" grep -q '每个点模拟次数 200' "$work/sweep-zh.txt"
check "tornado speaks Chinese" grep -q '低值时 P' "$work/tornado-zh.txt"
check "solve speaks Chinese" grep -q '达到目标' "$work/solve-zh.txt"
check "calibrate speaks Chinese" grep -q '拟合检验' "$work/calibrate-zh.txt"
check "check speaks Chinese" grep -q '有效。' "$work/check-zh.txt"
# a scenario's mistakes in Chinese: an error and a warning name file and line
printf 'version = 2;\nname = "错误";\ncampaign: { weeks = 12 };\n' >"$work/bad.cfg"
"$ccsim" check "$work/bad.cfg" --lang zh >"$work/bad.txt" 2>&1
check "a scenario's error in Chinese" grep -q 'bad.cfg: 缺少段' "$work/bad.txt"
"$ccsim" check "$src/tests/data/rivals.cfg" --lang zh >"$work/warn.txt" 2>&1
check "a warning in Chinese" grep -q 'rivals.cfg:18: 警告：rectify_rate = 0.6 是每周整改率' "$work/warn.txt"
sed -e 's/rectify_rate = 0.15;/rectify_rate = 0，15；/' "$demo" >"$work/typed.cfg"
"$ccsim" check "$work/typed.cfg" --lang zh >"$work/typed.txt" 2>&1
check "full-width punctuation explained in Chinese" grep -q '第 [0-9]* 列：' "$work/typed.txt"
check "usage in Chinese" bash -c "'$ccsim' compare --help --lang zh | grep -q '用法：ccsim compare'"
# every command's CSV follows the language: calibrate's and optimize's too
"$ccsim" calibrate "$demo" "$src/scenarios/reports-demo.csv" -o "$work/cal.cfg" --lang zh --quiet \
	--csv "$work/cal-zh.csv"
check "calibrate's Chinese CSV starts with a byte-order mark" \
	bash -c "head -c 3 '$work/cal-zh.csv' | od -An -tx1 | grep -q 'ef bb bf'"
check "calibrate's Chinese CSV has Chinese headers" bash -c "head -n 1 '$work/cal-zh.csv' | grep -q '^.区,点位类别,'"
"$ccsim" calibrate "$demo" "$src/scenarios/reports-demo.csv" -o "$work/cal.cfg" --excel --quiet \
	--csv "$work/cal-excel.csv"
check "calibrate --excel: a byte-order mark, English headers" \
	bash -c "head -n 1 '$work/cal-excel.csv' | grep -q \$'^\xef\xbb\xbfdistrict,category,'"
"$ccsim" allocate "$src/bench/allocate-officers.cfg" --policy 1 --param officers --budget 20 --step 10 \
	--reps 200 --max-reps 200 --holdout-reps 200 --lang zh --quiet --csv "$work/alloc-zh.csv"
check "allocate's Chinese CSV has Chinese headers" bash -c "head -n 1 '$work/alloc-zh.csv' | grep -q '步,投入项,区,'"

# optimize's and allocate's plan, with Chinese names
printf '@include "cn.cfg"\npolicies = ( { plugin = "extra_enforcement"; params = { officers = 0; }; } );\n' \
	>"$work/cn-officers.cfg"
for lang in zh en; do
	CCSIM_PLUGIN_PATH="$src/plugins" "$ccsim" allocate "$work/cn-officers.cfg" --policy 1 --param officers \
		--budget 20 --step 10 --reps 200 --max-reps 200 --holdout-reps 200 --lang $lang \
		>"$work/allocate-$lang.txt" 2>"$work/err"
	check "allocate $lang: the plan by district" aligned "$work/allocate-$lang.txt" \
		'^ +(lever|投入项) +(district|区) +(start|起始)'
	check "allocate $lang: Chinese names whole" grep -q '城关区' "$work/allocate-$lang.txt"
	check "allocate $lang: valid UTF-8" iconv -f UTF-8 -t UTF-8 "$work/allocate-$lang.txt" -o /dev/null
done

# the plugin library's descriptions in the user's language
check "plugins --lang zh describes the library in Chinese" \
	bash -c "CCSIM_PLUGIN_PATH='$src/plugins' '$ccsim' plugins --lang zh | grep -q '^  路长制、街长制、巷长制：'"
check "plugins in English as written" \
	bash -c "CCSIM_PLUGIN_PATH='$src/plugins' '$ccsim' plugins --lang en | grep -q '^  Road-chief system (路长制'"

checks_done
