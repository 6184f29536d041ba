import { describe, expect, it } from 'vitest';
import { checkWebhookUrl } from './webhook-url.ts';

const production = { allowPrivate: false };
const development = { allowPrivate: true };

function refusedBecause(reason: string | RegExp) {
  return {
    ok: false,
    reason:
      typeof reason === 'string' ? expect.stringContaining(reason) : expect.stringMatching(reason),
  };
}

describe('checkWebhookUrl outside development', () => {
  it.each([
    // IPv4 loopback, in every spelling the URL parser folds to 127.0.0.1
    ['http://127.0.0.1/', 'loopback address 127.0.0.1'],
    ['http://127.0.0.1:8080/hook', 'loopback address 127.0.0.1'],
    ['http://2130706433/', 'loopback address 127.0.0.1'],
    ['http://0x7f000001/', 'loopback address 127.0.0.1'],
    ['http://0X7F.0X0.0X0.0X1/', 'loopback address 127.0.0.1'],
    ['http://0177.0.0.1/', 'loopback address 127.0.0.1'],
    ['http://017700000001/', 'loopback address 127.0.0.1'],
    ['http://127.1/', 'loopback address 127.0.0.1'],
    ['http://127.0.1/', 'loopback address 127.0.0.1'],
    ['http://0x7f.1/', 'loopback address 127.0.0.1'],
    ['http://0177.0x0.1/', 'loopback address 127.0.0.1'],
    ['http://127.0.0.1./', 'loopback address 127.0.0.1'],
    ['http://127.0.0.1../', 'loopback address 127.0.0.1'],
    ['http://127.0.0.1%2e/', 'loopback address 127.0.0.1'],
    ['http://127.255.255.254/', 'loopback address 127.255.255.254'],
    // unspecified, private, link-local, CGNAT, broadcast, multicast, reserved, documentation
    ['http://0/', 'unspecified address 0.0.0.0'],
    ['http://0.0.0.0:9000/', 'unspecified address 0.0.0.0'],
    ['http://10.0.0.1/', 'private address 10.0.0.1'],
    ['http://172.16.0.1/', 'private address 172.16.0.1'],
    ['http://172.31.255.255/', 'private address 172.31.255.255'],
    ['http://192.168.1.1/', 'private address 192.168.1.1'],
    ['http://3232235777/', 'private address 192.168.1.1'],
    ['http://0xc0a80101/', 'private address 192.168.1.1'],
    ['http://0300.0250.1.1/', 'private address 192.168.1.1'],
    ['http://169.254.1.1/', 'link-local address 169.254.1.1'],
    ['http://100.64.0.1/', 'carrier-grade NAT (CGNAT) address 100.64.0.1'],
    ['http://100.127.255.254/', 'carrier-grade NAT (CGNAT) address 100.127.255.254'],
    ['http://255.255.255.255/', 'broadcast address 255.255.255.255'],
    ['http://224.0.0.1/', 'multicast address 224.0.0.1'],
    ['http://240.0.0.1/', 'reserved or documentation address 240.0.0.1'],
    ['http://192.0.0.1/', 'reserved or documentation address 192.0.0.1'],
    ['http://192.0.2.1/', 'reserved or documentation address 192.0.2.1'],
    ['http://198.51.100.7/', 'reserved or documentation address 198.51.100.7'],
    ['http://203.0.113.9/', 'reserved or documentation address 203.0.113.9'],
    ['http://198.18.0.1/', 'reserved or documentation address 198.18.0.1'],
    // cloud metadata addresses
    ['http://169.254.169.254/latest/meta-data/', 'cloud metadata address 169.254.169.254'],
    ['http://2852039166/', 'cloud metadata address 169.254.169.254'],
    ['http://0xa9fea9fe/', 'cloud metadata address 169.254.169.254'],
    ['http://0251.0376.0251.0376/', 'cloud metadata address 169.254.169.254'],
    ['http://169.254.170.2/v2/credentials', 'cloud metadata address 169.254.170.2'],
    ['http://100.100.100.200/latest/meta-data', 'cloud metadata address 100.100.100.200'],
    ['http://168.63.129.16/machine', 'cloud metadata address 168.63.129.16'],
    ['http://[fd00:ec2::254]/latest/meta-data', 'cloud metadata address fd00:ec2::254'],
    // IPv6 literals
    ['http://[::1]/', 'loopback address ::1'],
    ['http://[0:0:0:0:0:0:0:1]:8080/', 'loopback address ::1'],
    ['http://[::]/', 'unspecified address ::'],
    ['http://[fd00::1]/', 'unique-local address fd00::1'],
    ['http://[fc00::1]/', 'unique-local address fc00::1'],
    ['http://[fe80::1]/', 'link-local address fe80::1'],
    ['http://[febf:ffff::1]/', 'link-local address febf:ffff::1'],
    ['http://[fec0::1]/', 'site-local address fec0::1'],
    ['http://[ff02::1]/', 'multicast address ff02::1'],
    ['http://[2001:db8::1]/', 'reserved or documentation address 2001:db8::1'],
    ['http://[3fff::1]/', 'reserved or documentation address 3fff::1'],
    ['http://[100::1]/', 'special-purpose address 100::1'],
    ['http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/', 'Teredo address 2001:0:4136:e378'],
    // deprecated IPv4-compatible addresses: ipaddr.js calls them unicast
    ['http://[::127.0.0.1]/', 'reserved address ::7f00:1 (outside 2000::/3)'],
    ['http://[::7f00:1]/', 'reserved address ::7f00:1 (outside 2000::/3)'],
    // IPv4-mapped IPv6, in dotted and hex notation, judged by the IPv4 inside
    ['http://[::ffff:127.0.0.1]/', 'loopback address 127.0.0.1 (IPv4-mapped as ::ffff:7f00:1)'],
    ['http://[::ffff:7f00:1]/', 'loopback address 127.0.0.1 (IPv4-mapped as ::ffff:7f00:1)'],
    ['http://[::FFFF:7F00:1]/', 'loopback address 127.0.0.1'],
    ['http://[0:0:0:0:0:ffff:127.0.0.1]/', 'loopback address 127.0.0.1'],
    ['http://[::ffff:10.0.0.1]/', 'private address 10.0.0.1'],
    ['http://[::ffff:169.254.169.254]/', 'cloud metadata address 169.254.169.254'],
    ['http://[::ffff:a9fe:a9fe]/', 'cloud metadata address 169.254.169.254'],
    ['http://[::ffff:0:7f00:1]/', 'IPv4-translated address ::ffff:0:7f00:1'],
    // NAT64 and 6to4, judged by the embedded IPv4
    [
      'http://[64:ff9b::127.0.0.1]/',
      'loopback address 127.0.0.1 (through NAT64 as 64:ff9b::7f00:1)',
    ],
    ['http://[64:ff9b::a9fe:a9fe]/', 'cloud metadata address 169.254.169.254 (through NAT64'],
    ['http://[64:ff9b::c0a8:101]/', 'private address 192.168.1.1 (through NAT64'],
    ['http://[64:ff9b:1::a00:1]/', 'local-use NAT64 address 64:ff9b:1::a00:1'],
    ['http://[2002:7f00:1::]/', 'loopback address 127.0.0.1 (through 6to4 as 2002:7f00:1::)'],
    ['http://[2002:c0a8:101::1]/', 'private address 192.168.1.1 (through 6to4'],
    ['http://[2002:a9fe:a9fe::]/', 'cloud metadata address 169.254.169.254 (through 6to4'],
    // host names
    ['http://localhost/', 'loopback host name localhost'],
    ['http://localhost:3000/hook', 'loopback host name localhost'],
    ['http://LOCALHOST/', 'loopback host name localhost'],
    ['http://localhost./', 'loopback host name localhost.'],
    ['http://localhost../', 'loopback host name localhost..'],
    ['http://foo.localhost/', 'loopback host name foo.localhost'],
    ['http://ＬＯＣＡＬＨＯＳＴ/', 'loopback host name localhost'],
    ['http://%6c%6fcalhost/', 'loopback host name localhost'],
    [
      'http://metadata.google.internal/computeMetadata/v1/',
      'cloud metadata host metadata.google.internal',
    ],
    ['http://METADATA.GOOGLE.INTERNAL./', 'cloud metadata host metadata.google.internal.'],
    ['http://metadata/', 'cloud metadata host metadata'],
    ['http://db.internal/', 'private-use host name (.internal) db.internal'],
    ['http://printer.local/', 'multicast DNS host name (.local) printer.local'],
    ['http://box.localdomain/', 'local host name (.localdomain) box.localdomain'],
    ['http://router.home.arpa/', 'home network host name (.home.arpa) router.home.arpa'],
  ])('refuses %s', (raw, reason) => {
    expect(checkWebhookUrl(raw, production)).toEqual(refusedBecause(reason));
  });

  it('refuses an IPv6 zone id, which only means something on a local link', () => {
    // The WHATWG parser rejects zone ids; were one accepted, the address is still link-local.
    expect(checkWebhookUrl('http://[fe80::1%25eth0]/', production)).toEqual(
      refusedBecause(/not a valid absolute URL|link-local address fe80::1/),
    );
  });

  it.each([
    ['https://hooks.example.com/x', 'https://hooks.example.com/x'],
    ['https://hooks.example.com./x', 'https://hooks.example.com./x'],
    ['https://93.184.216.34/', 'https://93.184.216.34/'],
    ['https://[2606:4700::1111]/', 'https://[2606:4700::1111]/'],
    ['http://8.8.8.8:8080/hook', 'http://8.8.8.8:8080/hook'],
    ['http://134744072/hook', 'http://8.8.8.8/hook'],
    ['https://[::ffff:8.8.8.8]/', 'https://[::ffff:808:808]/'],
    ['https://[64:ff9b::808:808]/', 'https://[64:ff9b::808:808]/'],
    ['https://[2002:808:808::1]/', 'https://[2002:808:808::1]/'],
    ['https://172.32.0.1/', 'https://172.32.0.1/'],
    ['https://100.128.0.1/', 'https://100.128.0.1/'],
    ['https://169.255.0.1/', 'https://169.255.0.1/'],
    ['https://localhost.example.com/', 'https://localhost.example.com/'],
    ['https://internal.example.com/', 'https://internal.example.com/'],
    ['https://notlocalhost.com/', 'https://notlocalhost.com/'],
    ['HTTPS://Hooks.Example.COM/In?x=1#f', 'https://hooks.example.com/In?x=1#f'],
  ])('accepts %s', (raw, href) => {
    const check = checkWebhookUrl(raw, production);
    expect(check.ok).toBe(true);
    expect(check.ok && check.url.href).toBe(href);
  });
});

describe('checkWebhookUrl in any environment', () => {
  const longPath = 'a'.repeat(2048 - 'https://hooks.example.com/'.length);

  it.each([
    ['ftp://example.com/hook', 'only http and https URLs, not ftp:'],
    ['file:///etc/passwd', 'only http and https URLs, not file:'],
    ['javascript:alert(1)', 'only http and https URLs, not javascript:'],
    ['data:text/plain,hello', 'only http and https URLs, not data:'],
    ['ws://hooks.example.com/', 'only http and https URLs, not ws:'],
    ['http://user:pass@example.com/', 'credentials (user:password@)'],
    ['https://user@hooks.example.com/', 'credentials (user:password@)'],
    ['https://:secret@hooks.example.com/', 'credentials (user:password@)'],
    ['not a url', 'not a valid absolute URL'],
    ['', 'not a valid absolute URL'],
    ['/relative/hook', 'not a valid absolute URL'],
    ['http://', 'not a valid absolute URL'],
    ['http://1.2.3.4.5/', 'not a valid absolute URL'],
    ['http://[::1/', 'not a valid absolute URL'],
    [`https://hooks.example.com/${longPath}a`, 'URL longer than 2048 characters'],
    // Short as typed, past the limit once percent-encoded.
    [`https://hooks.example.com/${'é'.repeat(400)}`, 'URL longer than 2048 characters'],
  ])('refuses %s', (raw, reason) => {
    expect(checkWebhookUrl(raw, production)).toEqual(refusedBecause(reason));
    expect(checkWebhookUrl(raw, development)).toEqual(refusedBecause(reason));
  });

  it('accepts a URL of exactly 2048 characters', () => {
    const raw = `https://hooks.example.com/${longPath}`;
    expect(raw).toHaveLength(2048);
    expect(checkWebhookUrl(raw, production).ok).toBe(true);
  });
});

describe('checkWebhookUrl in development', () => {
  it.each([
    'http://127.0.0.1:9000/hook',
    'http://localhost:3000',
    'http://[::1]:8787/hook',
    'http://192.168.1.20/hook',
    'http://receiver.local/hook',
  ])('lets the private address %s through', (raw) => {
    const check = checkWebhookUrl(raw, development);
    expect(check.ok).toBe(true);
    expect(check.ok && check.url.href).toBe(new URL(raw).href);
  });
});
