import { describe, expect, it } from 'vitest';
import type { EventFields } from './client.ts';
import { linkEvent } from './links.ts';

type CallClick = Extract<EventFields, { type: 'call_click' }>;

/** The call a click on `href` records, if any. */
const callOf = (href: string, text = '') => (linkEvent(href, text) as CallClick | undefined)?.call;

describe('linkEvent', () => {
  it('reads a tel: link as written, with the trimmed link text', () => {
    expect(linkEvent('tel:+1-555-123-4567', '\n   Call us  now \n')).toEqual({
      type: 'call_click',
      call: {
        number: '+1-555-123-4567',
        kind: 'tel',
        digits: '+15551234567',
        text: 'Call us  now',
      },
    });
  });

  it('decodes the number and ignores parameters', () => {
    expect(linkEvent('tel:%2B44%2020%207946%200958', 'Call')).toEqual({
      type: 'call_click',
      call: { number: '+44 20 7946 0958', kind: 'tel', digits: '+442079460958', text: 'Call' },
    });
    expect(callOf('tel:+15551234567;ext=12')?.number).toBe('+15551234567');
  });

  it('reads sms: links without their body', () => {
    expect(linkEvent('sms:+15551234567?body=Hello', 'Text us')).toEqual({
      type: 'call_click',
      call: { number: '+15551234567', kind: 'sms', digits: '+15551234567', text: 'Text us' },
    });
    expect(callOf('sms:+15551234567;?&body=Hello')?.number).toBe('+15551234567');
  });

  it('reads wa.me links', () => {
    expect(linkEvent('https://wa.me/15551234567?text=Hi', ' WhatsApp ')).toEqual({
      type: 'call_click',
      call: { number: '15551234567', kind: 'whatsapp', digits: '+15551234567', text: 'WhatsApp' },
    });
    expect(callOf('https://wa.me/15551234567/')?.number).toBe('15551234567');
  });

  it('reads api.whatsapp.com/send?phone= links, the phone anywhere in the query', () => {
    expect(linkEvent('https://api.whatsapp.com/send?phone=15551234567&text=Hi', 'Chat')).toEqual({
      type: 'call_click',
      call: { number: '15551234567', kind: 'whatsapp', digits: '+15551234567', text: 'Chat' },
    });
    expect(callOf('https://api.whatsapp.com/send/?text=Hi&phone=%2B15551234567')).toEqual({
      number: '+15551234567',
      kind: 'whatsapp',
      digits: '+15551234567',
      text: '',
    });
  });

  it('reads mailto: links as an email_click with the address, without the query', () => {
    const emailClick = (address: string) => ({
      type: 'track',
      name: 'email_click',
      properties: { address },
    });
    expect(linkEvent('mailto:sales@example.com?subject=Quote', 'Email us')).toEqual(
      emailClick('sales@example.com'),
    );
    expect(linkEvent('mailto:ada%40example.com', '')).toEqual(emailClick('ada@example.com'));
  });

  it('ignores ordinary links and look-alikes', () => {
    for (const href of [
      'https://www.example.com/contact',
      '/contact?tel=1',
      '#call',
      'javascript:void(0)',
      'tel:',
      'https://wa.me/',
      'http://wa.me/15551234567',
      'https://wa.me.evil.com/15551234567',
      'https://api.whatsapp.com/send?text=Hi',
      'https://www.example.com/?u=https://wa.me/15551234567',
    ])
      expect(linkEvent(href, 'x'), href).toBe(undefined);
  });

  it('caps the number at 128 and the text at 200 characters', () => {
    const found = callOf(`tel:${'1'.repeat(300)}`, 't'.repeat(300));
    expect(found?.number).toHaveLength(128);
    expect(found?.text).toHaveLength(200);
  });

  it('ignores WhatsApp links that are not a number (catalogs, short links)', () => {
    expect(linkEvent('https://wa.me/message/ABCDEF', 'Chat')).toBe(undefined);
    expect(linkEvent('https://wa.me/c/15551234567', 'Shop')).toBe(undefined);
  });
});
