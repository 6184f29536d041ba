// report.js, part 4: the reports under /v1/reports/ (shapes in @leadloop/schema reports.ts), one
// renderer each, so a change of shape is an edit to one function.
// biome-ignore lint/complexity/noUselessStringRaw: so a backslash added later stays verbatim in the JS
export const REPORTS_SCRIPT = String.raw`
const STAGE_LABELS = { sessions: 'Sessions', leads: 'Leads', mql: 'MQL', sql: 'SQL', opportunity: 'Opportunities', customer: 'Customers' };

/** Stages as bars shrinking down the funnel, each with its share of the stage before. */
function renderFunnel(answer) {
  const count = formatter('count');
  const percent = formatter('percent');
  const stages = answer.stages;
  if (stages.every((stage) => stage.count === 0)) return [empty('No sessions or leads in this range yet.')];
  const width = chartWidth();
  const row = 34;
  const max = Math.max(1, ...stages.map((stage) => stage.count));
  const labelWidth = 100;
  const figureWidth = 150;
  const barSpace = width - labelWidth - figureWidth;
  return [
    svgEl(
      'svg',
      { viewBox: '0 0 ' + width + ' ' + stages.length * row, role: 'img', 'aria-label': 'Funnel', class: 'funnel' },
      stages.map((stage, index) => {
        const y = index * row;
        const length = stage.count > 0 ? Math.max(2, (barSpace * stage.count) / max) : 0;
        const text = count(stage.count) + (stage.rate === null ? '' : ' · ' + percent(stage.rate) + ' of previous');
        return svgEl(
          'g',
          { class: 'funnel-stage' },
          svgEl('title', null, (STAGE_LABELS[stage.stage] || stage.stage) + ': ' + text),
          svgEl('text', { x: 0, y: y + 21 }, STAGE_LABELS[stage.stage] || stage.stage),
          svgEl('rect', { class: 'track', x: labelWidth, y: y + 4, width: barSpace, height: row - 8, rx: 4 }),
          svgEl('rect', { class: 'stage', x: labelWidth, y: y + 4, width: length.toFixed(1), height: row - 8, rx: 4, 'fill-opacity': (1 - index * 0.12).toFixed(2) }),
          svgEl(
            'text',
            { x: labelWidth + barSpace + 8, y: y + 21 },
            svgEl('tspan', { class: 'figure' }, count(stage.count)),
            stage.rate === null ? null : svgEl('tspan', { class: 'axis', dx: 6 }, percent(stage.rate) + ' of previous'),
          ),
        );
      }),
    ),
  ];
}

const weekdayName = (weekday) =>
  new Intl.DateTimeFormat(undefined, { weekday: 'short', timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, 1 + weekday)));

/** 7 × 24 cells, Monday first, shaded by forms + calls in each hour of the site's week. */
function renderInquiries(answer) {
  const cellSize = 22;
  const gap = 2;
  const left = 40;
  const top = 18;
  const max = Math.max(0, ...answer.cells.map((cell) => cell.forms + cell.calls));
  const hourLabels = [];
  for (let hour = 0; hour < 24; hour += 3)
    hourLabels.push(svgEl('text', { class: 'axis', x: left + hour * (cellSize + gap), y: 12 }, String(hour).padStart(2, '0')));
  const dayLabels = [];
  for (let weekday = 0; weekday < 7; weekday++)
    dayLabels.push(svgEl('text', { class: 'axis', x: 0, y: top + weekday * (cellSize + gap) + 15 }, weekdayName(weekday)));
  const cells = answer.cells.map((cell) => {
    const total = cell.forms + cell.calls;
    const hour = String(cell.hour).padStart(2, '0');
    return svgEl(
      'rect',
      {
        class: total > 0 ? 'cell busy' : 'cell',
        x: left + cell.hour * (cellSize + gap),
        y: top + cell.weekday * (cellSize + gap),
        width: cellSize,
        height: cellSize,
        rx: 3,
        fill: total > 0 ? '#4f46e5' : '#eef1f6',
        'fill-opacity': total > 0 ? (0.18 + (0.82 * total) / max).toFixed(2) : null,
        'data-count': total,
      },
      svgEl('title', null, weekdayName(cell.weekday) + ' ' + hour + ':00: ' + cell.forms + ' forms, ' + cell.calls + ' calls'),
    );
  });
  const width = left + 24 * (cellSize + gap);
  const height = top + 7 * (cellSize + gap);
  return [
    el('p', { class: 'meta' }, formatter('count')(answer.totals.forms) + ' forms and ' + formatter('count')(answer.totals.calls) + ' calls · hours in ' + answer.timezone),
    el('div', { class: 'heatmap-wrap' }, svgEl('svg', { viewBox: '0 0 ' + width + ' ' + height, role: 'img', 'aria-label': 'Inquiries by hour of week', class: 'heatmap' }, hourLabels, dayLabels, cells)),
  ];
}

const regionNames = (() => {
  try {
    return new Intl.DisplayNames(undefined, { type: 'region' });
  } catch (unsupported) {
    return null;
  }
})();

function countryName(code) {
  if (!code) return 'Unknown';
  try {
    return (regionNames && regionNames.of(code)) || code;
  } catch (notARegion) {
    return code;
  }
}

/** Revenue per currency, each in its own: {"EUR": 5000, "USD": 20} → "€5,000.00 + $20.00". */
const revenueText = (revenue) => {
  const parts = Object.keys(revenue || {}).map((currency) => formatter('money', currency)(revenue[currency]));
  return parts.length ? parts.join(' + ') : '–';
};

function renderLocations(answer) {
  if (answer.rows.length === 0) return [empty('No sessions or leads in this range yet.')];
  const place = (row) => {
    if (row === answer.totals) return 'Total';
    const parts = [countryName(row.country)];
    if (answer.by !== 'country') parts.unshift(row.region || 'Unknown region');
    if (answer.by === 'city') parts.unshift(row.city || 'Unknown city');
    return parts.join(', ');
  };
  const count = formatter('count');
  return [
    table(
      [
        { label: 'Place', value: place },
        { label: 'Sessions', value: (row) => row.sessions, format: count },
        { label: 'Leads', value: (row) => row.leads, format: count },
        { label: 'Customers', value: (row) => row.customers, format: count },
        { label: 'Revenue', value: (row) => revenueText(row.revenue) },
      ],
      answer.rows,
      answer.totals,
      'locations-table',
    ),
  ];
}

const SPEED_LABELS = {
  under_5m: 'Under 5 min',
  '5m_to_30m': '5–30 min',
  '30m_to_2h': '30 min – 2 h',
  '2h_to_24h': '2–24 h',
  over_24h: 'Over 24 h',
  not_yet: 'Not yet',
};

/** How soon sales first worked the leads: headline figures and the spread in buckets. */
function renderSpeedToLead(answer) {
  const count = formatter('count');
  const minutes = (value) => (value === null ? '–' : duration(value * 60));
  if (answer.leads === 0) return [empty('No leads in this range yet.')];
  return [
    tiles([
      { caption: 'Leads', text: count(answer.leads) },
      { caption: 'Worked', text: count(answer.worked) },
      { caption: 'Median', text: minutes(answer.medianMinutes) },
      { caption: '90th percentile', text: minutes(answer.p90Minutes) },
    ]),
    barChart('Leads by time to first work', answer.buckets.map((bucket) => ({ label: SPEED_LABELS[bucket.bucket] || bucket.bucket, value: bucket.count })), count),
  ];
}
`;
