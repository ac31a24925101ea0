#!/usr/bin/env bash
# ccsim calibrate and ccsim ledger as a planner runs them: exit statuses,
# every bad row with its line, nothing written on a refusal, the same
# overlay from every encoding, the ledger's weekly reports, and the overlay
# read on top of its scenario.
# Usage: calibrate_test.sh CCSIM SOURCE_DIR
set -u
ccsim=$1
src=$2
. "$(dirname "$0")/checks.sh"
data=$src/tests/data/calibrate
city=$data/city.cfg

# ---- calibrate: usage -------------------------------------------------------
check "calibrate --help" [ "$(status "$ccsim" calibrate --help)" = 0 ]
check "calibrate --help names --pool" grep -q -- '--pool' "$work/out"
check "calibrate without files" [ "$(status "$ccsim" calibrate)" = 2 ]
check "calibrate without -o" [ "$(status "$ccsim" calibrate "$city" "$data/hand.csv")" = 2 ]
check "calibrate without -o says so" grep -q -- '-o FILE' "$work/err"
check "calibrate with one file" [ "$(status "$ccsim" calibrate "$city" -o "$work/o.cfg")" = 2 ]
check "calibrate --seed junk" [ "$(status "$ccsim" calibrate "$city" "$data/hand.csv" -o "$work/o.cfg" --seed x)" = 2 ]
check "calibrate onto its reports" [ "$(status "$ccsim" calibrate "$city" "$data/hand.csv" -o "$data/hand.csv")" = 2 ]
check "calibrate's listed in help" sh -c "'$ccsim' --help | grep -q '^  calibrate'"

# ---- calibrate: a good file -------------------------------------------------
check "calibrate hand.csv" [ "$(status "$ccsim" calibrate "$city" "$data/hand.csv" -o "$work/hand.cfg" \
	--json "$work/hand.json" --csv "$work/hand.csv")" = 0 ]
check "summary has the fit check" grep -q '^Fit check: 2 of 2' "$work/out"
check "summary has the estimate" grep -q 'Chengguan .*main_road .* 0.150 -> 0.136 \[0.080, 0.203\]' "$work/out"
check "overlay sets the rate" grep -q 'main_road = 0.13559322033898305;' "$work/hand.cfg"
check "overlay sets problems" grep -q 'back_street = 171;' "$work/hand.cfg"
check "overlay has the posterior" grep -qF '{ path = "districts.Chengguan.rectify_rate.main_road"; dist = "beta"; alpha = 16.0; beta = 102.0; }' "$work/hand.cfg"
check "JSON is calibrate's" python3 -c "
import json, sys
d = json.load(open('$work/hand.json'))
assert d['command'] == 'calibrate' and d['rows'] == 6 and len(d['cells']) == 2
c = d['cells'][0]
assert c['rectify_rate']['alpha'] == 16 and c['rectify_rate']['beta'] == 102
assert len(c['fit']['open']) == 3 and c['fit']['open'] == [39, 37, 40]
assert all(l <= m <= h for l, m, h in zip(c['fit']['low'], c['fit']['median'], c['fit']['high']))
assert d['fit_check']['band'] == 0.9 and d['pooled_priors'] == []
"
check "CSV has a row per cell" [ "$(wc -l <"$work/hand.csv")" = 3 ]
check "CSV's header" grep -q '^district,category,first_week,weeks,open_before' "$work/hand.csv"
check "--quiet prints nothing" [ "$(status "$ccsim" calibrate "$city" "$data/hand.csv" -o "$work/q.cfg" -q)" = 0 ]
check "--quiet output is empty" [ ! -s "$work/out" ]
check "the same overlay again" cmp -s "$work/hand.cfg" "$work/q.cfg"
check "--point" [ "$(status "$ccsim" calibrate "$city" "$data/hand.csv" -o "$work/point.cfg" -q --point)" = 0 ]
check "--point has no uncertain entries" sh -c "! grep -q '^uncertain' '$work/point.cfg'"
check "--point has no posterior" sh -c "! grep -q 'dist = ' '$work/point.cfg'"

# ---- the three encodings ----------------------------------------------------
for f in hand-bom-zh.csv hand-gb18030.tsv; do
	check "calibrate $f" [ "$(status "$ccsim" calibrate "$city" "$data/$f" -o "$work/$f.cfg")" = 0 ]
	check "$f gives the same overlay" cmp -s "$work/hand.cfg" "$work/$f.cfg"
done
check "the GB18030 file is named so" sh -c "'$ccsim' calibrate '$city' '$data/hand-gb18030.tsv' -o '$work/gb.cfg' | grep -q 'GB18030, tab-separated'"

# ---- bad rows: every one at once, exit 2, nothing written --------------------
echo "an overlay from before" >"$work/kept.cfg"
check "bad rows exit 2" [ "$(status "$ccsim" calibrate "$city" "$data/bad.csv" -o "$work/kept.cfg" --json "$work/bad.json")" = 2 ]
check "the old overlay is untouched" grep -q 'an overlay from before' "$work/kept.cfg"
check "no JSON on bad rows" [ ! -e "$work/bad.json" ]
bad=$data/bad.csv
check "identity with its numbers" grep -qF "$bad:3: Chengguan main_road week 2: open 41 is not 39 - 6 + 1 + 3 = 37" "$work/err"
check "unknown district, nearest" grep -qF "$bad:4: unknown district 'Chengguang' (nearest: Chengguan)" "$work/err"
check "unknown category, nearest" grep -qF "$bad:5: unknown category 'main_rd' (nearest: main_road)" "$work/err"
check "skipped week" grep -qF "$bad:7: 西固 back_street week 3 follows week 1 (line 6): week 2 is missing" "$work/err"
check "rebound in the first week" grep -qF "$bad:8: 西固 main_road week 1: rebounded 1 in the first week reported" "$work/err"
check "negative count" grep -qF "$bad:9: found -2 is negative" "$work/err"
check "repeated week" grep -qF "$bad:10: 西固 main_road week 2 is given twice: also at line 9" "$work/err"
check "non-integer count" grep -qF "$bad:11: found 1.5 is not a whole number" "$work/err"
check "fixed more than open" grep -qF "$bad:13: Chengguan back_street week 2: fixed 31 is more than the 30 open after week 1" "$work/err"
check "rebounded more than fixed" grep -qF "$bad:14: Chengguan back_street week 3: rebounded 32 is more than the 31 fixed in week 2" "$work/err"
check "short row" grep -qF "$bad:15: 3 fields where the header has 7" "$work/err"
check "the count of problems" grep -qF "ccsim calibrate: 11 problems in $bad; no overlay written" "$work/err"
check "missing column exits 2" [ "$(status "$ccsim" calibrate "$city" "$data/missing-column.csv" -o "$work/m.cfg")" = 2 ]
check "missing column's accepted names" grep -qF "missing-column.csv:1: no column 'rebounded' in the header (accepted names: rebounded, 反弹)" "$work/err"
check "no overlay for a missing column" [ ! -e "$work/m.cfg" ]
check "an endless file (/dev/zero) is refused" [ "$(status timeout 60 "$ccsim" calibrate "$city" /dev/zero -o "$work/z.cfg")" = 2 ]
check "an endless file says its limit" grep -qF "/dev/zero: more than 128 MiB" "$work/err"
check "a directory is refused" [ "$(status "$ccsim" calibrate "$city" "$work" -o "$work/z.cfg")" = 2 ]
check "a directory says so" grep -qF "$work: cannot read" "$work/err"
check "an endless ledger is refused" [ "$(status timeout 60 "$ccsim" ledger /dev/zero --start 2026-03-02 -o "$work/z.csv")" = 2 ]
check "nothing written from endless files" [ ! -e "$work/z.cfg" ] && [ ! -e "$work/z.csv" ]
check "missing reports exit 2" [ "$(status "$ccsim" calibrate "$city" "$work/none.csv" -o "$work/m.cfg")" = 2 ]
check "missing reports named" grep -q "none.csv: cannot open" "$work/err"
sed 's/weight = 20.0; deduction = 0.25/weight = 20.0; deduction = 2.5/' "$city" >"$work/badcity.cfg"
check "bad scenario exits 2" [ "$(status "$ccsim" calibrate "$work/badcity.cfg" "$data/hand.csv" -o "$work/m.cfg")" = 2 ]
check "bad scenario names its line" grep -q "badcity.cfg:9:" "$work/err"

# ---- pooling ----------------------------------------------------------------
check "--pool on the demo" [ "$(status "$ccsim" calibrate "$src/scenarios/demo-city.cfg" \
	"$src/scenarios/reports-demo.csv" -o "$work/pool.cfg" --pool --json "$work/pool.json")" = 0 ]
check "--pool prints the fitted priors" grep -q '^Priors fitted per category' "$work/out"
check "--pool's JSON has the priors" python3 -c "
import json
d = json.load(open('$work/pool.json'))
assert d['pooled'] and len(d['pooled_priors']) == 11
p = d['pooled_priors'][1]['rectify_rate']
assert p['fitted'] and p['districts'] == 10 and p['alpha'] > 0 and p['beta'] > 0
"
check "the demo flags the reporting change" grep -q 'flagged: Qilihe small_restaurant' "$work/out"

# ---- the demo's reports come from their documented script ------------------
check "make_reports.py demo rewrites reports-demo.csv byte for byte" sh -c \
	"python3 '$src/scenarios/make_reports.py' demo | cmp -s - '$src/scenarios/reports-demo.csv'"
check "make_reports.py scaled" sh -c "python3 '$src/scenarios/make_reports.py' scaled --districts 3 \
	--categories 3 --weeks 6 --scenario '$work/scaled.cfg' >'$work/scaled.csv'"
check "the scaled reports calibrate on their scenario, without a warning" \
	[ "$(status "$ccsim" calibrate "$work/scaled.cfg" "$work/scaled.csv" -o "$work/scaled-o.cfg" -q)" = 0 ]
check "the scaled scenario draws no warning" [ ! -s "$work/err" ]

# ---- ledger -----------------------------------------------------------------
check "ledger --help" [ "$(status "$ccsim" ledger --help)" = 0 ]
check "ledger without --start" [ "$(status "$ccsim" ledger "$data/ledger.csv" -o "$work/l.csv")" = 2 ]
check "ledger with a bad --start" [ "$(status "$ccsim" ledger "$data/ledger.csv" --start 2026-02-30 -o "$work/l.csv")" = 2 ]
check "a bad --start says why" grep -qF "ccsim ledger: --start '2026-02-30' is not a date: 2026-02 has no day 30" "$work/err"
check "a bad --start in Chinese" sh -c "LANG=zh_CN.UTF-8 '$ccsim' ledger '$data/ledger.csv' --start 2026-02-30 -o '$work/l.csv' 2>&1 | grep -qF '2026-02 没有第 30 日'"
head -1 "$data/ledger.csv" >"$work/header-only.csv"
check "a ledger of a header alone exits 2" [ "$(status "$ccsim" ledger "$work/header-only.csv" --start 2026-03-02 -o "$work/h.csv")" = 2 ]
check "a ledger of a header alone says so" grep -qF "header-only.csv:1: no rows after the header" "$work/err"
check "no reports from a header alone" [ ! -e "$work/h.csv" ]
check "ledger without -o" [ "$(status "$ccsim" ledger "$data/ledger.csv" --start 2026-03-02)" = 2 ]
check "ledger" [ "$(status "$ccsim" ledger "$data/ledger.csv" --start 2026-03-02 --weeks 4 -o "$work/l.csv")" = 0 ]
check "ledger's reports" cmp -s "$work/l.csv" "$data/ledger-expected.csv"
check "ledger's summary" grep -q 'Read 15 problems .* 12 open at some week.s end, 3 never' "$work/out"
check "ledger then calibrate" [ "$(status "$ccsim" calibrate "$city" "$work/l.csv" -o "$work/l.cfg" -q)" = 0 ]
printf 'district,category,found,fixed,reopened\nChengguan,main_road,2026-03-05,2026-03-01,\n' >"$work/badledger.csv"
check "bad ledger exits 2" [ "$(status "$ccsim" ledger "$work/badledger.csv" --start 2026-03-02 -o "$work/bl.csv")" = 2 ]
check "bad ledger row named" grep -qF "$work/badledger.csv:2: fixed 2026-03-01 is before found 2026-03-05" "$work/err"
check "no reports from a bad ledger" [ ! -e "$work/bl.csv" ]

# ---- the overlay on top of its scenario (layered files) -----------------------
check "check city+overlay" sh -c "'$ccsim' check '$city+$work/point.cfg' >'$work/layered' 2>&1"
check "check city+overlay names the overlay's lines" grep -q "point.cfg:14: adds districts.Chengguan.rectify_rate.main_road = 0.135593220338983" "$work/layered"
check "check city+overlay shows the estimates" grep -q 'main_road *50 *5 *40 *4.16667 *0.135593 *0.307692' "$work/layered"
# a cell without reports keeps its values: Chengguan's scalar rectify_rate
# still gives its back streets 0.15 beside the overlay's main_road group
check "an unreported cell keeps the scenario's values" grep -q 'back_street *50 *5 *150 *3 *0.15 *0.08' "$work/layered"
check "run city" [ "$(status "$ccsim" run "$city" --reps 20000 --json "$work/base.json")" = 0 ]
check "run city+overlay" [ "$(status "$ccsim" run "$city+$work/point.cfg" --reps 20000 --json "$work/layered.json")" = 0 ]
# more problems open and slower fixing in both cells: more points lost in each district
check "the overlay's run loses more points" python3 -c "
import json
b = json.load(open('$work/base.json'))['districts']
o = json.load(open('$work/layered.json'))['districts']
assert all(x['points_lost'] < y['points_lost'] for x, y in zip(b, o)), (b, o)
"

checks_done
