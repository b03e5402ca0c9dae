#!/usr/bin/env python3
"""The Python half of cli_report_browser.sh (report.html in headless Chromium).

usage:
  report_check.py inject <report.html> <report_check.js> <out.html>
      a copy of the report with the checker as the first script of <head>
  report_check.py break <report.html> <out.html>
      a copy with four defects: figure 1's SVG emptied, figure 2's data hidden, figure 3's
      <use> references pointing nowhere, and a script error
  report_check.py page <dumped DOM> <browser log> <figures> [--broken]
      the verdict of report_check.js: <figures> figures, no problem, no error, nothing on the
      browser's console; with --broken, exactly the four defects of `break`, each named
  report_check.py png <report.png> <dumped DOM of the good page>
      the screenshot: 1280 px wide, as tall as the page, not blank, and ink inside every figure
  report_check.py blank <report.png> <dumped DOM> <figure> <out.png>
      a copy of the screenshot with one figure painted white (the png check must reject it)
Exit 0 when the check passes, 1 with one line per problem when it does not.
"""
import html
import json
import re
import sys


def verdict_of(dom_path):
    dom = open(dom_path, encoding="utf-8").read()
    # The last match: the element appended at the end of <body>, not the checker's own source.
    found = re.findall(r'<pre id="wnflow-verdict">(\{.*?)</pre>', dom, re.S)
    if not found:
        sys.exit("no verdict in the dumped DOM: the checker did not run or the page did not load")
    return json.loads(html.unescape(found[-1]))


def console_lines(log_path):
    # Chromium prints what the page logs as "...:INFO:CONSOLE:<line>] "<message>", source: ..."
    # with --enable-logging=stderr; SVG attribute errors appear only there.
    return [l.strip() for l in open(log_path, errors="replace") if ":CONSOLE" in l]


def figures_of(page):
    parts = re.split(r"(?=<figure>)", page)
    return parts[0], parts[1:]


def inject(src, js, out):
    page = open(src, encoding="utf-8").read()
    script = "<script>\n" + open(js, encoding="utf-8").read() + "\n</script>\n"
    at = page.index("<head>") + len("<head>")
    open(out, "w", encoding="utf-8").write(page[:at] + "\n" + script + page[at:])


def make_broken(src, out):
    page = open(src, encoding="utf-8").read()
    head, figs = figures_of(page)
    if len(figs) < 4:
        sys.exit(f"the report has {len(figs)} figures; breaking three and keeping one needs 4")
    figs[0] = re.sub(r"<svg[\s\S]*?</svg>", '<svg viewBox="0 0 560 460"></svg>', figs[0], count=1)
    figs[1], n = re.subn(r'(<g id="[^"]*gnuplot_plot_[^"]*")', r'\1 style="display:none"', figs[1])
    figs[2], k = re.subn(r"(href\s*=\s*['\"]#)f\d+-\d+-", r"\1", figs[2])
    if n == 0 or k == 0:
        sys.exit(f"nothing to break: {n} plot groups in figure 2, {k} <use> references in figure 3")
    page = head + "".join(figs)
    at = page.rindex("</body>")
    page = page[:at] + "<script>wnflow_no_such_function();</script>\n" + page[at:]
    open(out, "w", encoding="utf-8").write(page)


def check_page(dom, log, want, broken):
    v = verdict_of(dom)
    console = console_lines(log)
    problems = []
    if len(v["figures"]) != want:
        problems.append(f"{len(v['figures'])} figures in the page, want {want}")
    if not broken:
        problems += v["problems"] + v["errors"] + ["browser console: " + c for c in console]
        for i, f in enumerate(v["figures"], 1):
            if f:
                print(f"figure {i}: {f['width']} x {f['height']} px, {f['elements']} elements drawn, {f['data']} in plot groups")
        return problems
    # The broken copy: each defect named, and nothing said about the figures left intact.
    expected = {"figure 1: ": "draws 0 elements", "figure 2: ": "draws no data", "figure 3: ": "<use> points to a missing"}
    for prefix, words in expected.items():
        if not any(p.startswith(prefix) and words in p for p in v["problems"]):
            problems.append(f"the broken {prefix.strip(': ')} was not reported as '{words}'")
    stray = [p for p in v["problems"] if not p.startswith(tuple(expected))]
    problems += ["reported on an intact part: " + p for p in stray]
    if not any("wnflow_no_such_function" in e for e in v["errors"]):
        problems.append("the script error was not caught in the page")
    if not any("wnflow_no_such_function" in c for c in console):
        problems.append("the script error is not on the browser's console")
    for p in v["problems"] + v["errors"]:
        print("rejected as it should be:", p)
    return problems


def ink(image):
    """Fraction of pixels darker than light grey, and the count of coloured pixels."""
    grey = image.convert("L").histogram()
    sat = image.convert("HSV").getchannel("S").histogram()
    total = image.width * image.height
    return sum(grey[:200]) / total, sum(sat[80:])


def check_png(png_path, dom):
    from PIL import Image
    v = verdict_of(dom)
    image = Image.open(png_path)
    image.load()
    image = image.convert("RGB")
    problems = []
    if image.width != 1280 or image.height < min(v["height"], 60000):
        problems.append(f"{image.width} x {image.height} px, want 1280 x the page's {v['height']}")
    dark, coloured = ink(image)
    colours = image.getcolors(maxcolors=1 << 20)
    if dark < 0.01 or (colours is not None and len(colours) < 10):
        problems.append(f"blank: {100 * dark:.2f}% ink, {len(colours) if colours else 'many'} colours")
    for i, f in enumerate(v["figures"], 1):
        box = (f["x"], f["y"], f["x"] + f["width"], f["y"] + f["height"])
        if box[3] > image.height:
            continue  # below a clipped screenshot
        dark, coloured = ink(image.crop(box))
        if dark < 0.01 or coloured < 100:
            problems.append(f"figure {i} is blank in the screenshot: {100 * dark:.2f}% ink, {coloured} coloured px")
    print(f"{png_path}: {image.width} x {image.height} px, {100 * ink(image)[0]:.1f}% ink, {len(v['figures'])} figures inked")
    return problems


def blank(png_path, dom, k, out):
    from PIL import Image, ImageDraw
    f = verdict_of(dom)["figures"][k - 1]
    image = Image.open(png_path).convert("RGB")
    ImageDraw.Draw(image).rectangle((f["x"], f["y"], f["x"] + f["width"], f["y"] + f["height"]), fill="white")
    image.save(out)


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "inject" and len(argv) == 5:
        inject(*argv[2:])
    elif cmd == "break" and len(argv) == 4:
        make_broken(*argv[2:])
    elif cmd == "page" and len(argv) in (5, 6):
        problems = check_page(argv[2], argv[3], int(argv[4]), argv[5:] == ["--broken"])
        for p in problems:
            print("FAIL:", p)
        return 1 if problems else 0
    elif cmd == "png" and len(argv) == 4:
        problems = check_png(argv[2], argv[3])
        for p in problems:
            print("FAIL:", p)
        return 1 if problems else 0
    elif cmd == "blank" and len(argv) == 6:
        blank(argv[2], argv[3], int(argv[4]), argv[5])
    else:
        sys.exit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
