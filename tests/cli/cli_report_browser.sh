#!/usr/bin/env bash
# report.html in a real browser: a small `wnflow reproduce --quick` (E1, E3 and E5, one
# experiment of each figure type: lines, trajectory, heatmap) is loaded in headless Chromium
# with a checker (report_check.js) injected; every figure must lay out, draw its frame and its
# data, and the page must raise no error. The same check must reject a copy with broken
# figures and a script error. The screenshot reproduce keeps (report.png) must be the whole
# page and show ink inside every figure; the pixel check must reject a copy with one figure
# painted white. Without chromium on PATH, reproduce says in one line that report.png was not
# made, still succeeds, and leaves no earlier report.png behind.
# usage: cli_report_browser.sh <wnflow binary> <tests/data dir>
here=$(cd "$(dirname "$0")" && pwd)
source "$here/cli_common.bash" "$@"
root=$(cd "$here/../.." && pwd)
py=/usr/bin/python3
browser=$(command -v chromium || command -v chromium-browser) ||
  { echo "chromium is missing (scripts/install-deps.sh installs it)"; exit 1; }
"$py" -c "import PIL" 2>/dev/null || { echo "python3-pil is missing (scripts/install-deps.sh installs it)"; exit 1; }
check="$py $here/report_check.py"

# The experiments' own configs, three of the eight (E8 alone takes 20 s in quick mode).
"$py" - "$root/experiments" >"$tmp/config.json" <<'PY'
import glob, json, sys
names = ["e1_", "e3_", "e5_"]
files = [f for n in names for f in sorted(glob.glob(f"{sys.argv[1]}/{n}*.json"))]
assert len(files) == 3, files
print(json.dumps({"experiments": [json.load(open(f)) for f in files]}))
PY
out=$tmp/run
run_ok reproduce --quick --no-verify --config "$tmp/config.json" --out "$out" || { finish cli_report_browser; exit 1; }
grep -q "wrote $out/report.png" "$tmp/out" || { echo "FAIL: reproduce did not report writing report.png: $(cat "$tmp/out" "$tmp/err")"; fails=$((fails + 1)); }
figures=$(ls "$out"/figures/*.svg | wc -l)

# load <page> <dom> <log>: the page in headless Chromium, its DOM after load on stdout. Root in
# CI, hence --no-sandbox; a profile of its own per call, so calls can run side by side.
load() {
  local profile
  profile=$(mktemp -d "$tmp/profile.XXXX")
  timeout -k 5 60 "$browser" --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars \
    --no-first-run --user-data-dir="$profile" --enable-logging=stderr --v=0 --window-size=1280,900 \
    --virtual-time-budget=5000 --dump-dom "file://$1" >"$2" 2>"$3"
}

# The copies sit beside report.html, so they load as it does.
$check inject "$out/report.html" "$here/report_check.js" "$out/.check-good.html"
$check break "$out/report.html" "$tmp/broken.html" || fails=$((fails + 1))
$check inject "$tmp/broken.html" "$here/report_check.js" "$out/.check-broken.html"
load "$out/.check-good.html" "$tmp/good.dom" "$tmp/good.log" &
load "$out/.check-broken.html" "$tmp/broken.dom" "$tmp/broken.log" &
wait
$check page "$tmp/good.dom" "$tmp/good.log" "$figures" || fails=$((fails + 1))
$check page "$tmp/broken.dom" "$tmp/broken.log" "$figures" --broken || fails=$((fails + 1))

# The screenshot, and the pixel check's own negative cases.
$check png "$out/report.png" "$tmp/good.dom" || fails=$((fails + 1))
$check blank "$out/report.png" "$tmp/good.dom" 2 "$tmp/blank2.png"
if $check png "$tmp/blank2.png" "$tmp/good.dom" >"$tmp/blank.txt"; then
  echo "FAIL: the pixel check accepted a screenshot with figure 2 painted white"
  fails=$((fails + 1))
elif ! grep -q "figure 2 is blank" "$tmp/blank.txt"; then
  echo "FAIL: the pixel check rejected figure 2 painted white for another reason: $(cat "$tmp/blank.txt")"
  fails=$((fails + 1))
fi

# No browser: the same run again (the sweeps resume from their journals) with a PATH that has
# gnuplot but no chromium.
mkdir "$tmp/nobrowser"
ln -s "$(command -v gnuplot)" "$tmp/nobrowser/gnuplot"
PATH=$tmp/nobrowser run_ok reproduce --quick --no-verify --config "$tmp/config.json" --out "$out"
if [ "$(grep -c 'report.png not made: neither chromium nor chromium-browser is on PATH' "$tmp/err")" -ne 1 ] ||
   grep -q "report.png" "$tmp/out" || [ -e "$out/report.png" ] || ls "$out"/.report.tmp.* >/dev/null 2>&1; then
  echo "FAIL: without chromium: $(ls "$out" | tr '\n' ' '); stdout: $(cat "$tmp/out"); stderr: $(grep report.png "$tmp/err")"
  fails=$((fails + 1))
fi
finish cli_report_browser
