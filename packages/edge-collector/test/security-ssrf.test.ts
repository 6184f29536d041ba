// Security: SSRF. src/core/webhook-url.test.ts covers the numeric spellings of private, loopback,
// link-local and metadata addresses; these are the tricks it did not list: the URL parser's own
// confusions (userinfo, fragments, backslashes, full-width digits and ideographic dots, zone ids)
// and host names that only mean something inside a network. The sender checks the URL again at
// delivery time (runtime/webhook-sender.ts), so an endpoint stored before a rule changed is held too.

import { describe, expect, it } from 'vitest';
import { checkWebhookUrl } from '../src/core/webhook-url.ts';

const refused = (url: string) => checkWebhookUrl(url, { allowPrivate: false }).ok === false;

describe('webhook URLs an attacker would try beyond the numeric spellings', () => {
  it.each([
    'http://evil.test@127.0.0.1/',
    'https://hooks.acme.com@169.254.169.254/',
    'http://127.0.0.1:80@hooks.acme.com/',
    'http://127.0.0.1#@hooks.acme.com/',
    'http://①②⑦.0.0.1/',
    'http://127。0。0。1/',
    'http://[fe80::1]/',
    'http://[fe80::1%25eth0]/',
    'http://[ff02::1]/',
    'http://[::ffff:0.0.0.0]/',
    'http://foo.localhost/',
    'http://localhost./',
    'http://printer.local/',
    'http://db.internal/',
    'http://metadata/',
    'file:///etc/passwd',
    'javascript:alert(1)',
  ])('refuses %s', (url) => {
    expect(refused(url)).toBe(true);
  });

  it('sends a backslash trick to the host it really names', () => {
    const check = checkWebhookUrl('http://hooks.acme.com\\@127.0.0.1/', { allowPrivate: false });
    expect(check.ok && check.url.hostname).toBe('hooks.acme.com');
  });
});
