// report.js, part 5: signing in and out, the settings, and loading every section at once. Each
// section fails on its own (its error shows in its card); a refused key signs the reader out.
// biome-ignore lint/complexity/noUselessStringRaw: so a backslash added later stays verbatim in the JS
export const MAIN_SCRIPT = String.raw`
let generation = 0;

const setStatus = (text) => {
  byId('status').textContent = text;
};

function settings() {
  return {
    model: byId('model').value,
    groupBy: byId('group-by').value,
    conversion: byId('conversion').value,
    from: byId('from').value,
    to: byId('to').value,
  };
}

/** Loads one section into its body; a stale answer (settings changed since) is dropped. */
async function section(bodyId, fetchData, render, isCurrent) {
  const body = byId(bodyId);
  body.setAttribute('aria-busy', 'true');
  try {
    const data = await fetchData();
    if (isCurrent()) body.replaceChildren(...render(data));
  } catch (error) {
    if (isAuthError(error)) throw error;
    if (isCurrent()) body.replaceChildren(el('p', { class: 'section-error', role: 'alert' }, error.message));
  } finally {
    if (isCurrent()) body.removeAttribute('aria-busy');
  }
}

function rangeText(values) {
  if (values.from && values.to) return formatDay(values.from) + ' – ' + formatDay(values.to);
  if (values.from) return 'From ' + formatDay(values.from);
  if (values.to) return 'Until ' + formatDay(values.to);
  return 'The last 90 days';
}

/** Every section for the current settings; rejects only when the key is refused. */
async function load() {
  const mine = ++generation;
  const isCurrent = () => mine === generation;
  const values = settings();
  const range = { from: values.from, to: values.to };
  const report = byId('report');
  report.setAttribute('aria-busy', 'true');
  setStatus('Loading…');
  const jobs = [
    section('attribution-body', () => getJson('v1/attribution', values), renderAttribution, isCurrent),
    section('funnel-body', () => getJson('v1/reports/funnel', range), renderFunnel, isCurrent),
    section('speed-body', () => getJson('v1/reports/speed-to-lead', range), renderSpeedToLead, isCurrent),
    section('inquiries-body', () => getJson('v1/reports/inquiries', range), renderInquiries, isCurrent),
    section('locations-body', () => getJson('v1/reports/locations', Object.assign({ by: byId('location-level').value }, range)), renderLocations, isCurrent),
  ];
  if (byId('compare').open)
    jobs.push(section('compare-body', () => loadComparison(values), (answers) => renderComparison(answers, values.model), isCurrent));
  const results = await Promise.allSettled(jobs);
  const refused = results.find((result) => result.status === 'rejected');
  if (refused) throw refused.reason;
  if (isCurrent()) {
    byId('range').textContent = rangeText(values);
    setStatus('Updated ' + instantFormat.format(new Date()) + '.');
    report.removeAttribute('aria-busy');
  }
}

function showLogin(message) {
  byId('report').hidden = true;
  byId('sign-out').hidden = true;
  byId('login').hidden = false;
  byId('login-error').textContent = message || '';
  byId('secret-key').focus();
}

function signOut(message) {
  generation++;
  sessionStorage.removeItem(KEY_STORAGE);
  showLogin(message);
}

/** Loads with the stored key and shows the report, or the sign-in form with why not. */
async function openReport() {
  const button = byId('sign-in');
  button.disabled = true;
  button.textContent = 'Opening…';
  byId('login-error').textContent = '';
  try {
    await load();
    byId('login').hidden = true;
    byId('report').hidden = false;
    byId('sign-out').hidden = false;
  } catch (error) {
    signOut(error.message);
  } finally {
    button.disabled = false;
    button.textContent = 'Open the report';
  }
}

/** Reloads after a change of settings; a key refused meanwhile (revoked) signs out. */
const reload = () => load().catch((error) => signOut(error.message));

const isoDay = (date) =>
  date.getFullYear() + '-' + String(date.getMonth() + 1).padStart(2, '0') + '-' + String(date.getDate()).padStart(2, '0');

function start() {
  const today = new Date();
  byId('to').value = isoDay(today);
  byId('from').value = isoDay(new Date(today.getFullYear(), today.getMonth(), today.getDate() - 89));

  byId('login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const key = byId('secret-key').value.trim();
    if (!key) return showLogin('Paste a secret key first.');
    sessionStorage.setItem(KEY_STORAGE, key);
    byId('secret-key').value = '';
    openReport();
  });
  byId('sign-out').addEventListener('click', () => signOut(''));
  byId('controls').addEventListener('submit', (event) => event.preventDefault());
  for (const id of ['model', 'group-by', 'conversion', 'from', 'to']) byId(id).addEventListener('change', reload);
  byId('location-level').addEventListener('change', () => {
    const mine = generation;
    const range = { from: byId('from').value, to: byId('to').value, by: byId('location-level').value };
    section('locations-body', () => getJson('v1/reports/locations', range), renderLocations, () => mine === generation).catch((error) => signOut(error.message));
  });
  byId('compare').addEventListener('toggle', () => {
    if (!byId('compare').open) return;
    const mine = generation;
    const values = settings();
    section('compare-body', () => loadComparison(values), (answers) => renderComparison(answers, values.model), () => mine === generation).catch((error) => signOut(error.message));
  });
  byId('download').addEventListener('click', async () => {
    const button = byId('download');
    const values = settings();
    button.disabled = true;
    setStatus('Preparing the CSV…');
    try {
      const name = await download('v1/attribution', Object.assign({}, values, { format: 'csv' }), ['attribution', values.model, values.groupBy, values.conversion].join('-') + '.csv');
      setStatus('Downloaded ' + name + '.');
    } catch (error) {
      if (isAuthError(error)) signOut(error.message);
      else setStatus('The CSV could not be downloaded: ' + error.message);
    } finally {
      button.disabled = false;
    }
  });

  if (secretKey()) openReport();
  else showLogin('');
}

start();
`;
