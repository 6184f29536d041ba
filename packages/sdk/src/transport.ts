/**
 * Posts a batch as `text/plain`, which needs no CORS preflight: by beacon when the browser takes
 * it (it survives page unload), else by a keepalive fetch.
 */
export function send(endpoint: string, body: string): void {
  try {
    if (navigator.sendBeacon?.(endpoint, body)) return;
  } catch {
    // Some browsers throw on beacons over their quota; fall through to fetch.
  }
  fetch(endpoint, {
    method: 'POST',
    body,
    keepalive: true,
    headers: { 'content-type': 'text/plain' },
  }).catch(() => {});
}
