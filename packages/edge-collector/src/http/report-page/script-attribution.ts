// report.js, part 3: the attribution answer (GET /v1/attribution) as headline figures, bar charts
// of conversions and revenue by group, and the full table; and every model side by side.
// biome-ignore lint/complexity/noUselessStringRaw: so a backslash added later stays verbatim in the JS
export const ATTRIBUTION_SCRIPT = String.raw`
/** The table's columns after the group key, in the API's order: a new column is one line here. */
const ATTRIBUTION_COLUMNS = [
  { key: 'conversions', label: 'Conversions', kind: 'count' },
  { key: 'revenue', label: 'Revenue', kind: 'money' },
  { key: 'sessions', label: 'Sessions', kind: 'count' },
  { key: 'visitors', label: 'Visitors', kind: 'count' },
  { key: 'leads', label: 'Leads', kind: 'count' },
  { key: 'visitToLeadRate', label: 'Visit → lead', kind: 'percent' },
  { key: 'customers', label: 'Customers', kind: 'count' },
  { key: 'leadToCustomerRate', label: 'Lead → customer', kind: 'percent' },
  { key: 'cost', label: 'Cost', kind: 'money' },
  { key: 'costPerLead', label: 'Cost / lead', kind: 'money' },
  { key: 'costPerCustomer', label: 'Cost / customer', kind: 'money' },
  { key: 'roas', label: 'ROAS', kind: 'multiple' },
  { key: 'roi', label: 'ROI', kind: 'percent' },
  { key: 'medianHoursToConvert', label: 'Median time to convert', kind: 'hours' },
];

/** The label of a select's option, e.g. the model's name for 'w_shaped'. */
function optionLabel(selectId, value) {
  const option = Array.from(byId(selectId).options).find((candidate) => candidate.value === value);
  return option ? option.textContent : value;
}

const groupOf = (answer, row) => {
  const key = row[answer.groupBy];
  return key === null || key === undefined || key === '' ? '(not set)' : String(key);
};

function renderAttribution(answer) {
  const groupLabel = optionLabel('group-by', answer.groupBy);
  const count = formatter('count');
  const money = formatter('money', answer.currency);
  const totals = answer.totals;
  byId('attribution-hint').textContent =
    optionLabel('model', answer.model) + ' model · ' + optionLabel('conversion', answer.conversion).toLowerCase() +
    ' by ' + groupLabel.toLowerCase() + ' · lookback ' + answer.lookbackDays + ' days' +
    (answer.currency ? ' · amounts in ' + answer.currency : '');
  if (answer.rows.length === 0)
    return [empty('No sessions or conversions in this range yet.')];
  const items = (key) => answer.rows.map((row) => ({ label: groupOf(answer, row), value: row[key] }));
  const byRevenue = items('revenue').sort((a, b) => (b.value || 0) - (a.value || 0));
  const columns = [{ label: groupLabel, value: (row) => (row === totals ? 'Total' : groupOf(answer, row)) }].concat(
    ATTRIBUTION_COLUMNS.map((column) => ({
      label: column.label,
      value: (row) => row[column.key],
      format: formatter(column.kind, answer.currency),
      className: column.key,
    })),
  );
  return [
    tiles([
      { caption: 'Conversions', text: count(totals.conversions) },
      { caption: 'Revenue', text: money(totals.revenue) },
      { caption: 'Cost', text: money(totals.cost) },
      { caption: 'ROAS', text: formatter('multiple')(totals.roas) },
      { caption: 'Median time to convert', text: formatter('hours')(totals.medianHoursToConvert) },
    ]),
    el(
      'div',
      { class: 'charts' },
      barChart('Conversions by ' + groupLabel.toLowerCase(), items('conversions'), count),
      barChart('Revenue by ' + groupLabel.toLowerCase(), byRevenue, money, 'revenue'),
    ),
    table(columns, answer.rows, totals, 'attribution-table'),
  ];
}

const MODELS = () => Array.from(byId('model').options).map((option) => ({ value: option.value, label: option.textContent }));

/** Every model's answer for the same settings: conversions per group, one column per model. */
async function loadComparison(values) {
  return Promise.all(MODELS().map((model) => getJson('v1/attribution', Object.assign({}, values, { model: model.value }))));
}

function renderComparison(answers, current) {
  const models = MODELS();
  const groups = [];
  const byModel = answers.map((answer) => {
    const credits = new Map();
    for (const row of answer.rows) {
      const group = groupOf(answer, row);
      if (!groups.includes(group)) groups.push(group);
      credits.set(group, row.conversions);
    }
    return credits;
  });
  if (groups.length === 0) return [empty('No conversions in this range yet.')];
  const count = formatter('count');
  const columns = [{ label: optionLabel('group-by', answers[0].groupBy), value: (group) => (group === TOTAL ? 'Total' : group) }].concat(
    models.map((model, index) => ({
      label: model.label,
      className: model.value === current ? 'current' : null,
      value: (group) => (group === TOTAL ? answers[index].totals.conversions : byModel[index].get(group) || 0),
      format: count,
    })),
  );
  return [table(columns, groups, TOTAL, 'compare-table')];
}
const TOTAL = {};
`;
