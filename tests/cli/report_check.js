// Injected first into the <head> of a copy of report.html by cli_report_browser.sh, which loads
// the copy in headless Chromium with --dump-dom: records every error the page raises and, once
// the page has loaded, writes its verdict as JSON into <pre id="wnflow-verdict">, which the
// dumped DOM carries back. report_check.py reads it. The checks:
// - every <figure> holds one <svg> laid out at least 300 x 150 px;
// - the SVG draws: at least 20 elements (frame, tics, labels, data) with a non-empty box, and
//   the data of gnuplot's plot groups (<g id="...gnuplot_plot_...">) at least 2 non-empty
//   elements spanning at least a tenth of the figure's width or height (a legend sample alone
//   does not);
// - every <use> points to an element that exists, and no id is defined twice (the report
//   prefixes the ids of each inlined SVG, since gnuplot's SVGs all define the same ones);
// - no script error, failed resource load, unhandled rejection, console.error or console.warn.
(function () {
  'use strict';
  const errors = [];
  addEventListener('error', function (e) {
    errors.push(e.message ? 'script error: ' + e.message : 'failed to load ' + (e.target && (e.target.src || e.target.href || e.target.tagName)));
  }, true);
  addEventListener('unhandledrejection', function (e) { errors.push('unhandled rejection: ' + e.reason); });
  for (const level of ['error', 'warn']) {
    const original = console[level];
    console[level] = function () {
      errors.push('console.' + level + ': ' + Array.prototype.join.call(arguments, ' '));
      return original.apply(console, arguments);
    };
  }

  const drawing = 'path, polyline, polygon, line, rect, circle, ellipse, use, image, text';
  const nonEmpty = function (r) { return r.width > 0 || r.height > 0; };
  // Rendered: a non-empty box, displayed and visible, and not a definition under <defs>.
  const rendered = function (el) {
    if (el.closest('defs')) return false;
    const style = getComputedStyle(el);
    return style.display !== 'none' && style.visibility !== 'hidden' && nonEmpty(el.getBoundingClientRect());
  };

  function checkFigure(figure, k, problems) {
    const name = 'figure ' + k;
    const svgs = Array.from(figure.querySelectorAll('svg')).filter(function (s) { return !s.parentElement.closest('svg'); });
    if (svgs.length !== 1) { problems.push(name + ': ' + svgs.length + ' <svg> elements, want 1'); return null; }
    const svg = svgs[0];
    const box = svg.getBoundingClientRect();
    if (box.width < 300 || box.height < 150)
      problems.push(name + ': laid out at ' + Math.round(box.width) + ' x ' + Math.round(box.height) + ' px, want at least 300 x 150');
    const shown = Array.from(svg.querySelectorAll(drawing)).filter(rendered);
    if (shown.length < 20) problems.push(name + ': draws ' + shown.length + ' elements, want at least 20');
    const data = shown.filter(function (el) { return el.closest('g[id*="gnuplot_plot_"]'); });
    let left = Infinity, right = -Infinity, top = Infinity, bottom = -Infinity;
    for (const el of data) {
      const r = el.getBoundingClientRect();
      left = Math.min(left, r.left); right = Math.max(right, r.right);
      top = Math.min(top, r.top); bottom = Math.max(bottom, r.bottom);
    }
    const spanX = data.length ? (right - left) / box.width : 0, spanY = data.length ? (bottom - top) / box.height : 0;
    if (data.length < 2 || Math.max(spanX, spanY) < 0.1)
      problems.push(name + ': draws no data (' + data.length + ' elements in plot groups spanning ' +
                    Math.round(100 * Math.max(spanX, spanY)) + '% of the figure)');
    for (const use of svg.querySelectorAll('use')) {
      const ref = use.getAttribute('href') || use.getAttributeNS('http://www.w3.org/1999/xlink', 'href') || '';
      if (!ref.startsWith('#') || !document.getElementById(ref.slice(1))) {
        problems.push(name + ': <use> points to a missing element ' + ref);
        break;
      }
    }
    // The figure's place on the page, for the pixel check of the screenshot.
    const f = figure.getBoundingClientRect();
    return {x: Math.round(f.left + scrollX), y: Math.round(f.top + scrollY), width: Math.round(f.width),
            height: Math.round(f.height), elements: shown.length, data: data.length};
  }

  addEventListener('load', function () {
    const verdict = {errors: errors, problems: [], figures: [],
                     height: Math.max(document.documentElement.scrollHeight, document.body.scrollHeight)};
    try {
      const seen = new Set();
      for (const el of document.querySelectorAll('[id]')) {
        if (seen.has(el.id) && verdict.problems.length < 5) verdict.problems.push('id "' + el.id + '" is defined twice');
        seen.add(el.id);
      }
      document.querySelectorAll('figure').forEach(function (figure, i) {
        verdict.figures.push(checkFigure(figure, i + 1, verdict.problems));
      });
    } catch (e) {
      verdict.problems.push('the check itself failed: ' + e);
    }
    const out = document.createElement('pre');
    out.id = 'wnflow-verdict';
    out.textContent = JSON.stringify(verdict);
    document.body.appendChild(out);
  });
})();
