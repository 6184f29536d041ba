// report.js, part 2: the secret key (this tab's sessionStorage, sent only as a Bearer header) and
// the calls to the JSON API, whose problem+json answers become readable errors.
export const API_SCRIPT = String.raw`
const KEY_STORAGE = 'leadloop.secretKey';

const secretKey = () => sessionStorage.getItem(KEY_STORAGE);

/** A query string of the values that are set. */
function queryString(values) {
  const search = new URLSearchParams();
  for (const name in values) if (values[name] !== '' && values[name] != null) search.set(name, values[name]);
  const text = search.toString();
  return text ? '?' + text : '';
}

/** An error with the HTTP status, worded from the problem+json body when there is one. */
async function problemOf(response) {
  let message = 'The collector answered ' + response.status + '.';
  try {
    const problem = await response.json();
    message = problem.detail || problem.title || message;
    if (Array.isArray(problem.errors) && problem.errors.length > 0)
      message += ' ' + problem.errors.map((issue) => (issue.path ? issue.path + ': ' : '') + issue.message).join('; ');
  } catch (notJson) {
    // the status says enough
  }
  const error = new Error(message);
  error.status = response.status;
  return error;
}

const isAuthError = (error) => Boolean(error) && (error.status === 401 || error.status === 403);

/** GET a path relative to this page (so a base path carries over), with the key as a header. */
async function api(path, values, accept) {
  const key = secretKey();
  if (!key) {
    const error = new Error('Sign in with a secret key.');
    error.status = 401;
    throw error;
  }
  const response = await fetch(path + queryString(values || {}), {
    headers: { authorization: 'Bearer ' + key, accept: accept || 'application/json' },
    cache: 'no-store',
    credentials: 'omit',
  });
  if (!response.ok) throw await problemOf(response);
  return response;
}

const getJson = (path, values) => api(path, values).then((response) => response.json());

/** A file name from Content-Disposition, when it gives a plain one. */
function fileNameOf(response) {
  const match = /filename="?([\w.-]+)"?/i.exec(response.headers.get('content-disposition') || '');
  return match ? match[1] : null;
}

/** Fetches with the key, then saves the answer as a file: no link ever carries the key. */
async function download(path, values, fallbackName) {
  const response = await api(path, values, 'text/csv');
  const blob = await response.blob();
  const name = fileNameOf(response) || fallbackName;
  const url = URL.createObjectURL(blob);
  const link = el('a', { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30000);
  return name;
}
`;
