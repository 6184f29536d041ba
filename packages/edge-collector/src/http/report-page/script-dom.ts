// report.js, part 1: building DOM and SVG from data without ever parsing markup (text goes in as
// text nodes, attributes through setAttribute), and the numbers' formats. Plain JS in a string:
// no template literals or `${` inside, so String.raw keeps it byte for byte.
// biome-ignore lint/complexity/noUselessStringRaw: so a backslash added later stays verbatim in the JS
export const DOM_SCRIPT = String.raw`
const byId = (id) => document.getElementById(id);
const SVG_NS = 'http://www.w3.org/2000/svg';

function setAttributes(node, attributes) {
  for (const name in attributes || {}) {
    const value = attributes[name];
    if (value !== undefined && value !== null && value !== false) node.setAttribute(name, String(value));
  }
}

const present = (children) => children.flat(2).filter((child) => child !== null && child !== undefined && child !== false);

/** An HTML element; strings and numbers among the children become text nodes. */
function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  setAttributes(node, attributes);
  node.append(...present(children));
  return node;
}

/** An SVG element, the same way. */
function svgEl(tag, attributes, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  setAttributes(node, attributes);
  node.append(...present(children));
  return node;
}

const truncate = (text, length) => (text.length > length ? text.slice(0, length - 1) + '…' : text);

const NONE = '–';
const countFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
const percentFormat = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });
const multipleFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
const durationFormats = {
  minute: new Intl.NumberFormat(undefined, { style: 'unit', unit: 'minute', unitDisplay: 'short', maximumFractionDigits: 0 }),
  hour: new Intl.NumberFormat(undefined, { style: 'unit', unit: 'hour', unitDisplay: 'short', maximumFractionDigits: 1 }),
  day: new Intl.NumberFormat(undefined, { style: 'unit', unit: 'day', unitDisplay: 'short', maximumFractionDigits: 1 }),
};
const dayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });
const instantFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

const missing = (value) => value === null || value === undefined || Number.isNaN(value);

/** Formatters by kind; money in the answer's currency (a plain number when it has none). */
function formatter(kind, currency) {
  switch (kind) {
    case 'money': {
      if (!currency) return (value) => (missing(value) ? NONE : countFormat.format(value));
      const money = new Intl.NumberFormat(undefined, { style: 'currency', currency });
      return (value) => (missing(value) ? NONE : money.format(value));
    }
    case 'percent':
      return (value) => (missing(value) ? NONE : percentFormat.format(value));
    case 'multiple':
      return (value) => (missing(value) ? NONE : multipleFormat.format(value) + '×');
    case 'hours':
      return (value) => (missing(value) ? NONE : duration(value * 3600));
    case 'seconds':
      return (value) => (missing(value) ? NONE : duration(value));
    default:
      return (value) => (missing(value) ? NONE : countFormat.format(value));
  }
}

/** Seconds as minutes, hours or days, whichever reads best. */
function duration(seconds) {
  if (seconds < 3600) return durationFormats.minute.format(seconds / 60);
  if (seconds < 48 * 3600) return durationFormats.hour.format(seconds / 3600);
  return durationFormats.day.format(seconds / 86400);
}

/** A YYYY-MM-DD day as the reader writes dates. */
const formatDay = (day) => dayFormat.format(new Date(day + 'T00:00:00Z'));

/** A table in its own horizontal scroller; columns are {label, value(row), format?}. */
function table(columns, rows, footer, extraClass) {
  const cells = (row) =>
    columns.map((column, index) => {
      const value = column.value(row);
      const shown = column.format ? column.format(value) : missing(value) ? NONE : String(value);
      // The first cell may be cut short on a phone: its full text is its title.
      return el('td', { class: column.className || null, title: index === 0 ? shown : null }, shown);
    });
  return el(
    'div',
    { class: 'scroll' },
    el(
      'table',
      { class: extraClass || null },
      el('thead', null, el('tr', null, columns.map((column) => el('th', { scope: 'col', class: column.className || null }, column.label)))),
      el('tbody', null, rows.map((row) => el('tr', null, cells(row)))),
      footer ? el('tfoot', null, el('tr', null, cells(footer))) : null,
    ),
  );
}

/** Width the charts are drawn at: the screen's on a phone, so 12px text stays 12px. */
const chartWidth = () => {
  const screen = document.documentElement.clientWidth || 1024;
  return screen < 700 ? Math.max(280, screen - 56) : 560;
};

/** Horizontal bars, one per item {label, value}, the largest first as given; at most 12. */
function barChart(title, items, format, barClass) {
  const shown = items.slice(0, 12);
  const width = chartWidth();
  const labelWidth = Math.round(width * 0.3);
  const valueWidth = 90;
  const barSpace = width - labelWidth - valueWidth;
  const row = 26;
  const max = Math.max(0, ...shown.map((item) => item.value || 0)) || 1;
  const chart = svgEl(
    'svg',
    { viewBox: '0 0 ' + width + ' ' + (shown.length * row + 4), role: 'img', 'aria-label': title, class: 'bars' },
    shown.map((item, index) => {
      const y = index * row + 2;
      const value = item.value || 0;
      const length = value > 0 ? Math.max(2, (barSpace * value) / max) : 0;
      return svgEl(
        'g',
        { class: 'bar-row' },
        svgEl('title', null, item.label + ': ' + format(item.value)),
        svgEl('text', { x: labelWidth - 8, y: y + 16, 'text-anchor': 'end' }, truncate(item.label, Math.floor(labelWidth / 7))),
        svgEl('rect', { class: 'track', x: labelWidth, y: y + 3, width: barSpace, height: row - 8, rx: 3 }),
        svgEl('rect', { class: 'bar ' + (barClass || ''), x: labelWidth, y: y + 3, width: length.toFixed(1), height: row - 8, rx: 3 }),
        svgEl('text', { class: 'value', x: labelWidth + barSpace + 6, y: y + 16 }, format(item.value)),
      );
    }),
  );
  return el(
    'figure',
    { class: 'chart' },
    el('h3', null, title),
    shown.length ? chart : el('p', { class: 'empty' }, 'Nothing in this range yet.'),
    items.length > shown.length ? el('p', { class: 'hint' }, 'The top ' + shown.length + ' of ' + items.length + '.') : null,
  );
}

/** A few headline figures: [{caption, text}]. */
const tiles = (figures) =>
  el('div', { class: 'tiles' }, figures.map((figure) => el('div', { class: 'tile' }, el('div', { class: 'figure' }, figure.text), el('div', { class: 'caption' }, figure.caption))));

const empty = (text) => el('p', { class: 'empty' }, text);
`;
