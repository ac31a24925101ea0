/*
 * ccsim report: draws every ccsim result embedded in the page (script
 * elements of class ccsim-data) with Chart.js. Each chart's canvas carries
 * data-chart (its kind) and, once drawn, data-painted ("true" when some
 * pixel is not blank); the body carries data-charts and data-painted
 * counts, which the browser test reads. Beside every chart stand its
 * numbers as a table (to copy into slides) and a sentence on how to read it.
 */
(function () {
  'use strict';

  /* The page's language: the messages ccsim embedded (none in English). */
  const messagesElement = document.getElementById('ccsim-messages');
  const messages = messagesElement ? JSON.parse(messagesElement.textContent) : {};
  /* TEXT in the page's language, each %s replaced by the next of ARGS. */
  function t(text, ...args) {
    let out = messages[text] || text;
    for (const a of args) out = out.replace('%s', String(a));
    return out;
  }

  const palette = ['#2f6db5', '#d9822b', '#3a9d5d', '#c23b3b', '#7d5ba6', '#8c6d31', '#d16ba5', '#5f6f7f'];
  const main = document.getElementById('report');
  const charts = [];

  const pct = (v) => 100 * v;
  const fixed = (v, digits) => Number(v).toFixed(digits === undefined ? 2 : digits);

  /* Vertical lines at x values (threshold, bands, base values). */
  Chart.register({
    id: 'markers',
    afterDatasetsDraw(chart, args, options) {
      if (!options || !options.lines) return;
      const x = chart.scales.x, area = chart.chartArea, ctx = chart.ctx;
      ctx.save();
      for (const line of options.lines) {
        const px = x.getPixelForValue(line.value);
        if (!(px >= area.left && px <= area.right)) continue;
        ctx.strokeStyle = line.color;
        ctx.fillStyle = line.color;
        ctx.lineWidth = 2;
        ctx.setLineDash(line.dash || []);
        ctx.beginPath();
        ctx.moveTo(px, area.top);
        ctx.lineTo(px, area.bottom);
        ctx.stroke();
        ctx.fillText(line.label, px + 4, area.top + 12);
      }
      ctx.restore();
    }
  });

  function element(tag, className, text, parent) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }

  function section(title, note) {
    const s = element('section', 'document', undefined, main);
    element('h2', '', title, s);
    if (note) element('p', 'note', note, s);
    return element('div', 'grid', undefined, s);
  }

  function figures(parent, items) {
    const box = element('div', 'figures', undefined, parent);
    for (const [label, value] of items) {
      const f = element('div', 'figure', undefined, box);
      element('div', 'value', value, f);
      element('div', 'label', label, f);
    }
  }

  /* A number as a table shows it: at most 4 decimals, no thousands separator. */
  function cell(v) {
    if (v === null || v === undefined) return '';
    if (Array.isArray(v)) return v.map(cell).join(t(' to '));
    if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toFixed(4)));
    return String(v);
  }

  /* A table of COLUMNS (header texts) and ROWS (arrays of cells) in PARENT. */
  function numbers(parent, columns, rows) {
    const table = element('table', 'numbers', undefined, parent);
    const head = element('tr', '', undefined, element('thead', '', undefined, table));
    for (const c of columns) element('th', '', c, head);
    const body = element('tbody', '', undefined, table);
    for (const r of rows) {
      const tr = element('tr', '', undefined, body);
      r.forEach((v, i) => element(i === 0 ? 'th' : 'td', typeof v === 'string' ? 'text' : '', cell(v), tr));
    }
    return table;
  }

  /* The table of a chart's own data: a row a label, a column a dataset. */
  function tableOf(config) {
    const data = config.data, sets = data.datasets;
    if (data.labels) return { columns: [''].concat(sets.map((d) => d.label)),
                              rows: data.labels.map((l, i) => [l].concat(sets.map((d) => d.data[i]))) };
    const rows = [];
    for (const d of sets) for (const q of d.data) rows.push([d.label, q.x, q.y]);
    return { columns: ['', 'x', 'y'], rows };
  }

  /*
   * A chart of KIND titled TITLE from a Chart.js CONFIG, with a sentence
   * on how to read it (READ) and its numbers (TABLE: { columns, rows }, or
   * the chart's own data when absent).
   */
  function chart(parent, kind, title, config, height, wide, read, table) {
    const box = element('div', wide ? 'chart wide' : 'chart', undefined, parent);
    element('h3', '', title, box);
    const holder = element('div', 'holder', undefined, box);
    holder.style.height = (height || 300) + 'px';
    const canvas = element('canvas', '', undefined, holder);
    canvas.dataset.chart = kind;
    config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false },
                                   config.options || {});
    if (read) element('p', 'read', read, box);
    const t = table || tableOf(config);
    numbers(box, t.columns, t.rows).dataset.table = kind;
    charts.push({ canvas, chart: new Chart(canvas, config) });
  }

  /* A bar chart; a dataset marked interval: true is drawn over the bars
   * before it, thin and translucent, as their 95 % interval. */
  function barChart(parent, kind, title, labels, datasets, options, height, wide, read, table) {
    chart(parent, kind, title, {
      type: 'bar',
      data: { labels, datasets: datasets.map((d, i) => Object.assign(
        d.interval ? { backgroundColor: 'rgba(29, 39, 51, 0.55)', grouped: false, barPercentage: 0.25, order: -1 }
                   : { backgroundColor: palette[i % palette.length] }, d)) },
      options: options || {}
    }, height, wide, read, table);
  }

  const horizontal = (xTitle) => ({ indexAxis: 'y', scales: { x: { title: { display: true, text: xTitle } } } });
  /* A horizontal axis of probabilities or shares in %: always from 0 to 100. */
  const percentAxis = (xTitle) => ({ indexAxis: 'y', scales: { x: { min: 0, max: 100, title: { display: true, text: xTitle } } } });

  /* ---- run -------------------------------------------------------------- */

  function drawRun(doc, name) {
    const grid = section(t('Run: ') + doc.scenario, name + ': ' + doc.replications + t(' replications, seed ') + doc.seed +
                         (doc.complete === false ? t(' (interrupted: what was done)') : ''));
    const [lo, hi] = doc.pass_ci95;
    figures(grid, [
      [t('P(pass)'), fixed(pct(doc.pass_probability), 1) + ' %'],
      [t('95 % interval'), fixed(pct(lo), 1) + t(' to ') + fixed(pct(hi), 1) + ' %'],
      [t('mean Total'), fixed(doc.total.mean)],
      [t('median Total'), fixed(doc.total.p50)]
    ]);

    const h = doc.total.histogram, n = h.counts.length, group = Math.max(1, Math.ceil(n / 120));
    const bars = [];
    for (let i = 0; i < n; i += group) {
      let count = 0;
      for (let j = i; j < Math.min(n, i + group); j++) count += h.counts[j];
      bars.push({ x: h.lo + (i + group / 2) * h.width, y: count / doc.replications });
    }
    const lines = [];
    if (doc.pass_rule === 'threshold') lines.push({ value: doc.threshold, color: '#c23b3b', label: t('threshold ') + doc.threshold });
    chart(grid, 'histogram', t('Distribution of the Total score (threshold marked)'), {
      type: 'bar',
      data: { datasets: [{ label: t('share of replications'), data: bars, backgroundColor: palette[0],
                           barPercentage: 1.0, categoryPercentage: 1.0 }] },
      options: { scales: { x: { type: 'linear', title: { display: true, text: t('Total') } },
                           y: { title: { display: true, text: t('share of replications') } } },
                 plugins: { markers: { lines } } }
    }, 300, true,
    t('Each bar is the share of replications whose three-year Total fell in its interval; a pass needs a Total at or above the red line.'),
    { columns: [t('Total'), t('value')],
      rows: [[t('mean'), doc.total.mean], [t('sd'), doc.total.sd], [t('5 %'), doc.total.p05], [t('25 %'), doc.total.p25],
             [t('median'), doc.total.p50], [t('75 %'), doc.total.p75], [t('95 %'), doc.total.p95]]
        .concat(doc.pass_rule === 'threshold' ? [[t('threshold'), doc.threshold]] : [])
        .concat(doc.bands.map((b) => [t('P(annual score < %s), %', b.below), pct(b.probability)])) });

    barChart(grid, 'pass', t('P(pass) with its 95 % interval'), [t('P(pass)')],
             [{ label: t('P(pass), %'), data: [pct(doc.pass_probability)] },
              { label: t('95 % interval, %'), data: [[pct(lo), pct(hi)]], interval: true }],
             percentAxis('%'), 160, false,
             t('The bar is the estimated pass probability; the dark band is its 95 % interval.'));

    const f = doc.failure_causes || {};
    const failed = doc.replications ? (f.failures || 0) / doc.replications : 0;
    barChart(grid, 'vetoes', t('Vetoes and why failures failed'),
             [t('survey veto'), t('negative-list veto'), "minors' veto", t('below threshold'), 'out-ranked'],
             [{ label: t('% of all replications'),
                data: [doc.survey_veto_probability, doc.negative_veto_probability, doc.minors_veto_probability,
                       (f.below_threshold || 0) * failed, (f.outranked || 0) * failed].map(pct) },
              { label: t('% of failed replications'),
                data: [f.survey_veto, f.negative_veto, f.minors_veto, f.below_threshold, f.outranked].map((v) => pct(v || 0)) }],
             { scales: { y: { min: 0, max: 100 } } }, 300, false,
             t('Blue: the share of all replications that failed for each cause; orange: the share of the failures (a failure may have several causes).'));

    const parts = ['field', 'materials', 'survey', 'overall', 'bonus', 'negative'];
    barChart(grid, 'components', t('Component means (points; negative is deducted)'), parts,
             [{ label: 'mean', data: parts.map((p) => doc.components[p].mean) },
              { label: 'sd', data: parts.map((p) => doc.components[p].sd) }], {}, 300, false,
             t('Mean points of each part of the score over the replications, and how much they vary (sd).'));

    const districts = doc.districts.slice().sort((a, b) => b.points_lost - a.points_lost);
    barChart(grid, 'districts', t('Field points lost by district'), districts.map((d) => d.name),
             [{ label: t('points lost (mean)'), data: districts.map((d) => d.points_lost) }], horizontal('points'), 300, false,
             t('The field points lost at each district\'s inspected sites, on average: the longest bars are where rectification pays most.'));
    const categories = doc.categories.slice().sort((a, b) => b.points_lost - a.points_lost);
    barChart(grid, 'categories', t('Field points lost by site category'), categories.map((c) => c.name),
             [{ label: t('points lost (mean)'), data: categories.map((c) => c.points_lost) }], horizontal('points'), 300, false,
             t('The field points lost at each kind of site, on average.'));
    const ranking = doc.ranking || { by: 'per_site', bottom: 1 };
    const rule = ranking.by === 'points_lost' ? t('points lost in all') : t('points lost per inspected site');
    const rankSets = [{ label: t('P(last), %'), data: districts.map((d) => pct(d.rank_last_probability)) }];
    if (ranking.bottom > 1)
      rankSets.push({ label: t('P(bottom ') + ranking.bottom + '), %', data: districts.map((d) => pct(d.rank_bottom_probability)) });
    barChart(grid, 'rank-last', t('Probability that each district ranks last') + (ranking.bottom > 1 ? t(' or in the bottom ') + ranking.bottom : '') + t(' (by ') + rule + ')',
             districts.map((d) => d.name), rankSets, percentAxis('%'), 300, false,
             ranking.by === 'points_lost'
               ? t('Ranking is by field points lost in all: the districts with the most inspected sites rank last more often.')
               : t('Ranking is by points lost per inspected site, so a large district losing many points need not rank last.'));
    const policies = doc.policies || [];
    if (policies.length > 0) {
      const box = element('div', 'chart wide', undefined, grid);
      element('h3', '', t('Policies and their cost'), box);
      numbers(box, ['policy', 'plugin', 'cost'], policies.map((p) => [p.name, p.plugin, p.cost])
        .concat([['total', '', policies.reduce((a, p) => a + p.cost, 0)]])).dataset.table = 'policies';
      element('p', 'read', t('The cost each policy\'s setup reported, in its plugin\'s own unit.'), box);
    }
    if (doc.uncertain && doc.uncertain.length > 0) drawUncertain(grid, doc);
  }

  /*
   * The uncertain inputs (docs/model.md 7) that matter most: P(pass) when
   * each turns out in its lower and its upper third, as a tornado, and the
   * correlation of its draw with the Total, as bars.
   */
  function drawUncertain(grid, doc) {
    const top = doc.uncertain.slice()
      .sort((a, b) => Math.abs(b.correlation_total) - Math.abs(a.correlation_total)).slice(0, 15);
    const labels = top.map((i) => i.path);
    const share = (v) => (v === null || v === undefined ? null : pct(v));
    const height = 90 + 36 * top.length;
    barChart(grid, 'uncertain-tornado', t('P(pass) when each uncertain input turns out in its lower or upper third'), labels,
             [{ label: t('P(pass), lower third to upper third, %'),
                data: top.map((i) => [share(i.pass_by_tercile[0]), share(i.pass_by_tercile[2])]) }],
             /* the axis spans the bars, not 0 to 100: thirds seldom differ by more than a few points */
             Object.assign(horizontal(t('P(pass), %')),
                           { plugins: { markers: { lines: [{ value: pct(doc.pass_probability), color: '#c23b3b', label: t('overall') }] } } }),
             height, true,
             t('Each bar runs from P(pass) among the replications where the input drew in its lower third to P(pass) where it drew in its upper third; the red line is P(pass) over all of them. The longest bars are the inputs whose uncertainty matters most.'),
             { columns: [t('input'), t('mean'), t('sd'), t('correlation with the Total'), t('P(pass) lower third, %'),
                         t('middle third, %'), t('upper third, %')],
               rows: top.map((i) => [i.path, i.mean, i.sd, i.correlation_total].concat(i.pass_by_tercile.map(share))) });
    barChart(grid, 'uncertain-correlation', t('Correlation of each uncertain input with the Total'), labels,
             [{ label: t('correlation'), data: top.map((i) => i.correlation_total) }],
             { indexAxis: 'y', scales: { x: { min: -1, max: 1, title: { display: true, text: t('correlation') } } } },
             height, false,
             t('How closely the Total follows each input\'s draw (Pearson\'s correlation of the Total with the draw\'s rank): near 0, the input hardly moves the score.'));
  }

  /* ---- compare ---------------------------------------------------------- */

  function drawCompare(doc, name) {
    const grid = section(t('Compare: ') + doc.scenario, name + ': ' + doc.replications +
                         t(' replications a variant, paired on the same random numbers'));
    const v = doc.variants;
    barChart(grid, 'compare-pass', t('P(pass) of each variant with its 95 % interval'), v.map((x) => x.name),
             [{ label: t('P(pass), %'), data: v.map((x) => pct(x.pass_probability)) },
              { label: t('95 % interval, %'), data: v.map((x) => x.pass_ci95.map(pct)), interval: true }], percentAxis('%'), 80 + 40 * v.length,
             false, t('Each variant ran on the same random numbers; the dark band is the 95 % interval of its P(pass).'));
    const others = v.slice(1);
    barChart(grid, 'compare-difference', t('Difference in P(pass) against ') + v[0].name + t(' (paired, 95 %)'),
             others.map((x) => x.name),
             [{ label: t('difference, points'), data: others.map((x) => pct(x.against_first.pass_difference)) },
              { label: t('95 % interval'), data: others.map((x) => x.against_first.pass_difference_ci95.map(pct)), interval: true }],
             horizontal(t('points of P(pass)')), 80 + 40 * others.length, false,
             t('How many points of P(pass) each variant gains over the first, replication by replication; an interval that crosses 0 is no proven difference.'));
    barChart(grid, 'compare-total', t('Mean Total of each variant'), v.map((x) => x.name),
             [{ label: t('mean Total'), data: v.map((x) => x.total.mean) }],
             { indexAxis: 'y', scales: { x: { beginAtZero: false, title: { display: true, text: t('Total') } } } },
             80 + 40 * v.length, false, t('The mean three-year Total of each variant.'));
  }

  /* ---- sweep ------------------------------------------------------------ */

  function heatColor(value, lo, hi) {
    const t = hi > lo ? (value - lo) / (hi - lo) : 0.5;
    const r = Math.round(194 + (47 - 194) * t), g = Math.round(59 + (157 - 59) * t), b = Math.round(59 + (93 - 59) * t);
    return 'rgb(' + r + ',' + g + ',' + b + ')';
  }

  function drawSweep(doc, name) {
    const grid = section(t('Sweep: ') + doc.scenario, name + ': ' + doc.replications + t(' replications a point'));
    const p = doc.parameters, points = doc.points;
    if (p.length === 1) {
      const labels = points.map((q) => q.values[0]);
      chart(grid, 'sweep', t('P(pass) against ') + p[0].path, {
        type: 'line',
        data: { labels, datasets: [
          { label: t('P(pass), %'), data: points.map((q) => pct(q.pass_probability)), borderColor: palette[0], backgroundColor: palette[0] },
          { label: t('95 % low'), data: points.map((q) => pct(q.pass_ci95[0])), borderColor: palette[0], borderDash: [4, 4], pointRadius: 0 },
          { label: t('95 % high'), data: points.map((q) => pct(q.pass_ci95[1])), borderColor: palette[0], borderDash: [4, 4], pointRadius: 0 }] },
        options: { scales: { x: { title: { display: true, text: p[0].path } }, y: { min: 0, max: 100, title: { display: true, text: t('P(pass), %') } } } }
      }, 320, true, t('P(pass) at each value of ') + p[0].path + t(', every point on the same random numbers; dashed: the 95 % interval.'),
      { columns: [p[0].path, t('P(pass), %'), t('95 % interval, %'), t('mean Total')],
        rows: points.map((q) => [q.values[0], pct(q.pass_probability), q.pass_ci95.map(pct), q.total_mean]) });
      return;
    }
    const xs = p[0].values.map(String), ys = p[1].values.map(String);
    const values = points.map((q) => q.pass_probability);
    const lo = Math.min(...values), hi = Math.max(...values);
    chart(grid, 'sweep-heatmap', t('P(pass) over ') + p[0].path + t(' and ') + p[1].path + t(' (red low, green high)'), {
      plugins: [{ id: 'cellValues', afterDatasetsDraw(c) {
        const ctx = c.ctx;
        ctx.save();
        ctx.textAlign = 'center';
        ctx.textBaseline = 'middle';
        ctx.fillStyle = '#fff';
        ctx.font = 'bold 12px sans-serif';
        c.getDatasetMeta(0).data.forEach((e, i) => {
          const q = c.data.datasets[0].data[i];
          ctx.fillText(fixed(pct(q.v), 1) + ' %', e.x, e.y);
        });
        ctx.restore();
      } }],
      type: 'matrix',
      data: { datasets: [{
        label: t('P(pass)'),
        data: points.map((q) => ({ x: String(q.values[0]), y: String(q.values[1]), v: q.pass_probability })),
        backgroundColor: (c) => heatColor(c.raw ? c.raw.v : 0, lo, hi),
        width: ({ chart }) => (chart.chartArea || {}).width / xs.length - 2,
        height: ({ chart }) => (chart.chartArea || {}).height / ys.length - 2 }] },
      options: { plugins: { legend: { display: false },
                            tooltip: { callbacks: { label: (c) => fixed(pct(c.raw.v), 1) + ' %' } } },
                 scales: { x: { type: 'category', labels: xs, offset: true, title: { display: true, text: p[0].path } },
                           y: { type: 'category', labels: ys, offset: true, reverse: true, title: { display: true, text: p[1].path } } } }
    }, 360, true, t('Each cell is P(pass) at one pair of values; colours run from red (') + fixed(pct(lo), 1) +
       t(' %) to green (') + fixed(pct(hi), 1) + t(' %).'),
       { columns: [p[1].path + t(' \\ ') + p[0].path].concat(xs),
         rows: ys.map((y) => [y].concat(xs.map((x) => {
           const q = points.find((r) => String(r.values[0]) === x && String(r.values[1]) === y);
           return q ? pct(q.pass_probability) : null;
         }))) });
    const legend = element('div', 'legend', undefined, grid.lastChild);
    element('span', '', fixed(pct(lo), 1) + ' %', legend);
    const ramp = element('span', 'ramp', undefined, legend);
    ramp.style.background = 'linear-gradient(to right, ' + heatColor(lo, lo, hi) + ', ' + heatColor(hi, lo, hi) + ')';
    element('span', '', fixed(pct(hi), 1) + ' %', legend);
  }

  /* ---- sensitivity ------------------------------------------------------ */

  function drawSensitivity(doc, name) {
    const grid = section(t('Sensitivity (') + doc.method + t('): ') + doc.scenario, name + ': ' + doc.replications + t(' replications a point'));
    const inputs = doc.inputs;
    /* the tornado's bars say the values they span */
    const labels = inputs.map((i) => doc.method === 'tornado' ? i.path + t(' (') + cell(i.low) + t(' to ') + cell(i.high) + ')' : i.path);
    const height = 90 + 36 * inputs.length;
    if (doc.method === 'tornado') {
      const base = pct(doc.base.pass_probability);
      barChart(grid, 'tornado', t('P(pass) from each input\'s low to its high (base marked)'), labels,
               [{ label: t('P(pass) at low .. high, %'), data: inputs.map((i) => [pct(i.at_low.pass_probability), pct(i.at_high.pass_probability)]) }],
               Object.assign(percentAxis(t('P(pass), %')), { plugins: { markers: { lines: [{ value: base, color: '#c23b3b', label: 'base' }] } } }),
               height, true, t('Each bar runs from P(pass) with the input at its low value to P(pass) at its high value, the others as the scenario says; the longest bars matter most.'),
               { columns: ['input', 'low', 'high', t('P(pass) at low, %'), t('P(pass) at high, %'), t('swing, points')],
                 rows: inputs.map((i) => [i.path, i.low, i.high, pct(i.at_low.pass_probability), pct(i.at_high.pass_probability), pct(i.pass_swing)]) });
    } else if (doc.method === 'morris') {
      chart(grid, 'morris', t('Morris: mu* (importance) against sigma (non-linearity, interaction), mean Total'), {
        type: 'scatter',
        data: { datasets: inputs.map((i, k) => ({ label: i.path, data: [{ x: i.total.mu_star, y: i.total.sigma }],
                                                   backgroundColor: palette[k % palette.length], pointRadius: 6 })) },
        options: { scales: { x: { title: { display: true, text: t('mu*') }, beginAtZero: true },
                             y: { title: { display: true, text: 'sigma' }, beginAtZero: true } } }
      }, 360, true, t('Right: inputs that move the mean Total most; up: inputs whose effect depends on the others or is not linear.'),
      { columns: ['input', t('mu* (Total)'), t('sigma (Total)'), t('mu* (P(pass))'), t('sigma (P(pass))')],
        rows: inputs.map((i) => [i.path, i.total.mu_star, i.total.sigma, i.pass.mu_star, i.pass.sigma]) });
      barChart(grid, 'morris-pass', t('Morris mu* for P(pass)'), labels,
               [{ label: t('mu*'), data: inputs.map((i) => i.pass.mu_star) }, { label: 'sigma', data: inputs.map((i) => i.pass.sigma) }],
               horizontal(t('per full range of the input')), height, false,
               t('How much P(pass) moves, on average, when the input goes over its whole range.'));
    } else {
      for (const [key, title] of [['total', t('mean Total')], ['pass', t('P(pass)')]]) {
        barChart(grid, key === 'total' ? 'sobol' : 'sobol-pass', t('Sobol\' indices of ') + title + t(' with 95 % bootstrap intervals'), labels,
                 [{ label: t('first order'), data: inputs.map((i) => i[key].first) },
                  { label: t('first, 95 %'), data: inputs.map((i) => i[key].first_ci95), interval: true },
                  { label: 'total', data: inputs.map((i) => i[key].total) },
                  { label: t('total, 95 %'), data: inputs.map((i) => i[key].total_ci95), interval: true }],
                 horizontal('index'), 90 + 60 * inputs.length, true,
                 t('First order: the share of the variance of ') + title + t(' due to the input alone; total: with its interactions. Near 0: the input hardly matters over its range.'));
      }
    }
  }

  /* ---- optimize and allocate ------------------------------------------- */

  function drawOptimize(doc, name) {
    const unit = doc.unit ? ' ' + doc.unit : '';
    const grid = section((doc.command === 'allocate' ? t('Allocate: ') : t('Optimize: ')) + doc.scenario,
                         name + t(': budget ') + doc.budget + unit + ', ' + doc.levers.map((l) => l.name).join(', ') + ', ' +
                         doc.replications + t(' replications in the search'));
    const h = doc.holdout;
    const items = [[t('spent'), doc.spent + unit],
                   [t('steps resolved'), doc.steps.filter((s) => s.resolved).length + ' / ' + doc.steps.length]];
    if (doc.target !== null && doc.target !== undefined)
      items.push([t('budget needed for the target'), doc.target_reached ? doc.budget_needed + unit : t('not reached')]);
    if (h) {
      items.push([t('P(pass) of the plan on fresh replications'), fixed(pct(h.pass_probability), 1) + ' %']);
      items.push([t('plan minus base'), fixed(pct(h.vs_base.difference), 2) + t(' points')]);
      if (h.vs_even) items.push([t('plan minus even spread'), fixed(pct(h.vs_even.difference), 2) + t(' points')]);
    }
    figures(grid, items);
    /* the frontier: cumulative cost against P(pass), the band its 95 % interval */
    const f = doc.frontier;
    chart(grid, 'optimize-frontier', t('Frontier: P(pass) against the budget spent'), {
      type: 'line',
      data: { labels: f.map((q) => q.cost), datasets: [
        { label: t('95 % high'), data: f.map((q) => pct(q.pass_ci95[1])), borderWidth: 0, pointRadius: 0,
          backgroundColor: 'rgba(47, 109, 181, 0.2)', fill: '+1' },
        { label: t('95 % low'), data: f.map((q) => pct(q.pass_ci95[0])), borderWidth: 0, pointRadius: 0, fill: false },
        { label: t('P(pass), %'), data: f.map((q) => pct(q.pass_probability)), borderColor: palette[0], backgroundColor: palette[0] }] },
      options: { scales: { x: { title: { display: true, text: t('spent') + unit } },
                           y: { title: { display: true, text: t('P(pass), %') } } } }
    }, 320, true, t('Each point: the plan after one more step, at the replications its choice took; the band is its 95 % interval.'),
    { columns: [t('step'), t('spent'), t('P(pass), %'), t('95 % interval, %')],
      rows: f.map((q) => [String(q.step), q.cost, pct(q.pass_probability), q.pass_ci95.map(pct)]) });
    /* the plan: each lever's amount per district */
    const districts = [...new Set(doc.plan.map((x) => x.district))];
    barChart(grid, 'optimize-plan', t('The plan per district and lever'), districts,
             doc.levers.map((l) => ({ label: l.name, data: districts.map((d) => {
               const x = doc.plan.find((y) => y.lever === l.name && y.district === d);
               return x ? x.amount : null;
             }) })), horizontal(t('amount')), 80 + 24 * districts.length * Math.max(1, doc.levers.length), false,
             t('What each district holds of each lever at the end (from the scenario\'s amount).'),
             { columns: [t('lever'), 'district', t('start'), t('plan'), t('even spread')],
               rows: doc.plan.map((x) => [x.lever, x.district, x.start, x.amount, x.even]) });
    if (h) {
      const rows = [[t('plan'), h.pass_probability, h.pass_ci95]];
      rows.push([t('base'), h.base.pass_probability, h.base.ci95]);
      if (h.even) rows.push([t('even spread'), h.even.pass_probability, h.even.ci95]);
      barChart(grid, 'optimize-holdout', t('Holdout: the plan beside the base and the even spread'), rows.map((r) => r[0]),
               [{ label: t('P(pass), %'), data: rows.map((r) => pct(r[1])) },
                { label: t('95 % interval'), data: rows.map((r) => r[2].map(pct)), interval: true }],
               percentAxis(t('P(pass), %')), 200, false,
               t('On fresh replications the search never drew: a plan that does not beat the even spread here was chosen on noise.'));
    }
  }

  /* ---- calibrate -------------------------------------------------------- */

  /* A small chart of one cell's weekly open problems against its 90 % predictive band. */
  function fitChart(parent, cell) {
    const f = cell.fit;
    const box = element('div', f.flagged ? 'small flagged' : 'small', undefined, parent);
    element('h4', '', cell.category + (f.flagged ? t(' (flagged)') : '') + ': ' + fixed(pct(f.share), 0) + t(' % inside'), box);
    const holder = element('div', 'holder', undefined, box);
    holder.style.height = '130px';
    const canvas = element('canvas', '', undefined, holder);
    canvas.dataset.chart = 'calibrate-fit';
    const band = f.flagged ? 'rgba(194, 59, 59, 0.25)' : 'rgba(47, 109, 181, 0.2)';
    charts.push({ canvas, chart: new Chart(canvas, {
      type: 'line',
      data: { labels: f.week, datasets: [
        { label: t('90 % high'), data: f.high, borderWidth: 0, pointRadius: 0, backgroundColor: band, fill: '+1' },
        { label: t('90 % low'), data: f.low, borderWidth: 0, pointRadius: 0, backgroundColor: band, fill: false },
        { label: 'median', data: f.median, borderColor: '#5f6f7f', borderDash: [3, 3], borderWidth: 1, pointRadius: 0 },
        { label: t('reported open'), data: f.open, borderColor: f.flagged ? '#c23b3b' : '#1d3f66', backgroundColor: f.flagged ? '#c23b3b' : '#1d3f66', borderWidth: 1.5, pointRadius: 2 }] },
      options: { responsive: true, maintainAspectRatio: false, animation: false,
                 plugins: { legend: { display: false } },
                 scales: { x: { ticks: { font: { size: 9 } } }, y: { beginAtZero: true, ticks: { font: { size: 9 } } } } }
    }) });
  }

  function drawCalibrate(doc, name) {
    const grid = section(t('Calibrate: ') + doc.scenario, name + ': ' + doc.rows + t(' weekly rows of ') + doc.reports +
                         (doc.pooled ? t(', pooled by category') : ''));
    const cells = doc.cells.filter((c) => c.fit);
    const flagged = cells.filter((c) => c.fit.flagged);
    figures(grid, [[t('cells estimated'), String(doc.cells.length)],
                   [t('cells whose reports fit the model'), String(cells.length - flagged.length)],
                   [t('cells flagged'), String(flagged.length)]]);
    const districts = [...new Set(cells.map((c) => c.district))];
    for (const district of districts) {
      const row = element('div', 'chart wide', undefined, grid);
      element('h3', '', district + t(': reported open problems week by week against the model\'s 90 % band'), row);
      const smalls = element('div', 'smalls', undefined, row);
      for (const c of cells.filter((x) => x.district === district)) fitChart(smalls, c);
      element('p', 'read', t('Dots: the open problems reported each week; band: where the calibrated model puts 90 % of them; red: a flagged cell.'), row);
    }
    const box = element('div', 'chart wide', undefined, grid);
    element('h3', '', t('Estimated rates (posterior mean and 95 % interval) against the scenario\'s'), box);
    numbers(box, ['district', 'category', t('rectification was'), 'estimate', t('95 %'), t('rebound was'), 'estimate', t('95 %'),
                  t('new a week was'), 'estimate', t('95 %'), t('fit: weeks inside, %')],
            doc.cells.map((c) => [c.district, c.category, c.rectify_rate.was, c.rectify_rate.estimate,
                                  [c.rectify_rate.low, c.rectify_rate.high], c.rebound.was, c.rebound.estimate,
                                  [c.rebound.low, c.rebound.high], c.new_per_week.was, c.new_per_week.estimate,
                                  [c.new_per_week.low, c.new_per_week.high], c.fit ? pct(c.fit.share) : null]))
      .dataset.table = 'calibrate';
    element('p', 'read', t('Each estimate comes from the reported weeks of its district and category; the fit column is the share of weeks whose reported open problems fall in the model\'s central 90 % band (under 70 %: flagged, the problems do not follow the model).'), box);
  }

  /* ---- all documents ------------------------------------------------------- */

  const drawers = { compare: drawCompare, sweep: drawSweep, sensitivity: drawSensitivity, allocate: drawOptimize,
                    optimize: drawOptimize,
                    calibrate: drawCalibrate };
  for (const script of document.querySelectorAll('script.ccsim-data')) {
    const doc = JSON.parse(script.textContent), name = script.dataset.file;
    try {
      (drawers[doc.command] || drawRun)(doc, name);
    } catch (error) {
      element('p', 'error', name + t(': cannot draw: ') + error.message, main);
    }
  }

  /* Mark what was drawn: a canvas is painted when some pixel is not blank. */
  let painted = 0;
  for (const { canvas, chart: c } of charts) {
    c.draw();
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let any = false;
    for (let i = 3; i < pixels.length && !any; i += 4) any = pixels[i] !== 0;
    canvas.dataset.painted = any ? 'true' : 'false';
    painted += any ? 1 : 0;
  }
  document.body.dataset.charts = String(charts.length);
  /* Whether Chinese text is painted as glyphs: without a CJK font every
   * missing character is drawn as the same box, so Chinese words leave the
   * same ink as private-use characters (the browser test reads this). */
  const ink = (text) => {
    const c = document.createElement('canvas');
    c.width = 160;
    c.height = 24;
    const g = c.getContext('2d');
    g.font = '16px ' + getComputedStyle(document.body).fontFamily;
    g.fillText(text, 0, 18);
    return g.getImageData(0, 0, c.width, c.height).data.join(',');
  };
  document.body.dataset.cjkGlyphs = String(ink('通过概率') !== ink('\uE000\uE001\uE002\uE003'));
  document.body.dataset.painted = String(painted);
}());
