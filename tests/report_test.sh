#!/usr/bin/env bash
# ccsim report in a real browser: headless Chromium renders the report of
# one result of every kind for the demo city; every expected chart must be
# present and painted, and the screenshot not blank.
# Usage: report_test.sh CCSIM SOURCE_DIR [SCREENSHOT_COPY]
set -u
ccsim=$1
src=$2
copy=${3:-}
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
	echo "report_test: no chromium (apt-get install chromium)"
	echo "0 passed, 1 failed"
	exit 1
fi
. "$(dirname "$0")/checks.sh"

demo="$src/scenarios/demo-city.cfg"
q="--quiet --threads 2"
"$ccsim" run "$demo" --reps 3000 $q --json "$work/run.json"
"$ccsim" run "$demo+$src/scenarios/demo-uncertain.cfg" --reps 2000 $q --json "$work/uncertain.json"
"$ccsim" compare "$demo" --variant "faster: defaults.rectify_rate=0.15" \
	--variant "Beishan: districts.Beishan.rectify_rate=0.2" --reps 1000 $q --json "$work/compare.json"
"$ccsim" sweep "$demo" --param defaults.rectify_rate=0.08:0.2:5 --reps 300 $q --json "$work/sweep.json"
"$ccsim" sweep "$demo" --param defaults.rectify_rate=0.08:0.2:3 \
	--param categories.back_street.deduction=0.1:0.3:3 --reps 200 $q --json "$work/sweep-2d.json"
"$ccsim" sensitivity "$demo" --reps 300 $q --json "$work/tornado.json"
"$ccsim" sensitivity "$demo" --method morris --trajectories 3 --reps 100 $q --json "$work/morris.json"
"$ccsim" sensitivity "$demo" --method sobol --samples 8 --reps 50 --bootstrap 50 $q --json "$work/sobol.json"
"$ccsim" allocate "$src/scenarios/demo-city.cfg+$src/scenarios/policy-extra-enforcement.cfg" --policy 1 --param officers \
	--budget 200 --step 100 --reps 300 --max-reps 600 --holdout-reps 1000 $q --json "$work/allocate.json"
"$ccsim" optimize "$src/tests/data/optimize/small.cfg" --reps 300 --max-reps 600 --holdout-reps 1000 $q \
	--json "$work/optimize.json"
"$ccsim" calibrate "$demo" "$src/scenarios/reports-demo.csv" -o "$work/calibrated.cfg" --quiet \
	--json "$work/calibrate.json"
check "report written" "$ccsim" report "$work"/run.json "$work"/compare.json "$work"/sweep.json \
	"$work"/sweep-2d.json "$work"/tornado.json "$work"/morris.json "$work"/sobol.json \
	"$work"/allocate.json "$work"/optimize.json "$work"/calibrate.json "$work"/uncertain.json -o "$work/report.html"
check "self-contained: no network address in the page" bash -c "! grep -q -E '(src|href)=\"https?:' '$work/report.html'"

flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
	--disable-background-networking --disable-component-update --disable-sync
	--user-data-dir="$work/profile" --virtual-time-budget=10000 --hide-scrollbars)
timeout 120 "$browser" "${flags[@]}" --dump-dom "file://$work/report.html" >"$work/dom.html" 2>"$work/browser.log"
timeout 120 "$browser" "${flags[@]}" --window-size=1280,${REPORT_HEIGHT:-2600} --screenshot="$work/report.png" \
	"file://$work/report.html" >>"$work/browser.log" 2>&1

for kind in histogram pass vetoes components districts categories rank-last compare-pass \
	compare-difference compare-total sweep sweep-heatmap tornado morris morris-pass sobol \
	sobol-pass optimize-frontier optimize-plan optimize-holdout calibrate-fit uncertain-tornado uncertain-correlation; do
	check "chart $kind drawn" grep -q "data-chart=\"$kind\"[^>]*data-painted=\"true\"" "$work/dom.html"
done
charts=$(grep -o 'data-charts="[0-9]*"' "$work/dom.html" | grep -o '[0-9]*')
painted=$(grep -o 'data-painted="[0-9]*"' "$work/dom.html" | grep -o '[0-9]*')
check "the script ran" [ -n "$charts" ]
check "every chart painted ($painted of $charts)" [ "${charts:-0}" = "${painted:-x}" ]
check "no drawing error" bash -c "! grep -q 'class=\"error\"' '$work/dom.html'"
for table in histogram pass districts rank-last tornado calibrate; do
	check "numbers beside $table" grep -q "data-table=\"$table\"" "$work/dom.html"
done
check "a flagged cell marked in the fit check" grep -q 'class="small flagged"' "$work/dom.html"
size=$(stat -c %s "$work/report.png" 2>/dev/null || echo 0)
check "screenshot not blank ($size bytes)" [ "$size" -gt 40000 ]
# hostile names: a district named to end the data's script element or to
# open an HTML comment must not blank the page
sed -e 's/name = "Centre";/name = "<!--<script>";/' "$src/scenarios/minimal.cfg" >"$work/hostile.cfg"
"$ccsim" run "$work/hostile.cfg" --reps 200 $q --json "$work/hostile.json"
check "hostile report written" "$ccsim" report "$work/hostile.json" -o "$work/hostile.html"
check "no raw < from the data in the page" bash -c "! grep -q '<!--<script>' '$work/hostile.html'"
timeout 120 "$browser" "${flags[@]}" --dump-dom "file://$work/hostile.html" >"$work/hostile-dom.html" 2>>"$work/browser.log"
check "hostile report: the script ran" grep -q 'data-charts="[1-9]' "$work/hostile-dom.html"
check "hostile report: the name shown as text" grep -q '&lt;!--&lt;script&gt;' "$work/hostile-dom.html"
check "hostile report: no drawing error" bash -c "! grep -q 'class=\"error\"' '$work/hostile-dom.html'"
# the report in Chinese: every chart drawn, the page's words in Chinese,
# and Chinese painted as glyphs, not boxes (needs fonts-noto-cjk)
check "Chinese report written" "$ccsim" report "$work"/run.json "$work"/calibrate.json --lang zh -o "$work/zh.html"
timeout 120 "$browser" "${flags[@]}" --dump-dom "file://$work/zh.html" >"$work/zh-dom.html" 2>>"$work/browser.log"
check "Chinese report: declared zh-CN" grep -q '<html lang="zh-CN"' "$work/zh-dom.html"
check "Chinese report: title in Chinese" grep -q 'ccsim 报告' "$work/zh-dom.html"
check "Chinese report: chart titles in Chinese" grep -q '各区实地考察失分' "$work/zh-dom.html"
zh_charts=$(grep -o 'data-charts="[0-9]*"' "$work/zh-dom.html" | grep -o '[0-9]*')
zh_painted=$(grep -o 'data-painted="[0-9]*"' "$work/zh-dom.html" | grep -o '[0-9]*')
check "Chinese report: every chart painted ($zh_painted of $zh_charts)" [ -n "$zh_charts" ] && [ "${zh_charts:-0}" = "${zh_painted:-x}" ]
check "Chinese report: Chinese painted as glyphs, not boxes" grep -q 'data-cjk-glyphs="true"' "$work/zh-dom.html"
[ -n "$copy" ] && cp "$work/report.png" "$copy"
[ "$failed" = 0 ] || { echo "browser log:"; tail -n 20 "$work/browser.log"; }
checks_done
