import { describe, expect, it } from 'vitest';
import { classifyLink } from './links.ts';

describe('classifyLink', () => {
  it('reads a tel: link as written, with the trimmed link text', () => {
    expect(classifyLink('tel:+1-555-123-4567', '\n   Call us  now \n')).toEqual({
      call: {
        number: '+1-555-123-4567',
        kind: 'tel',
        digits: '+15551234567',
        text: 'Call us  now',
      },
    });
  });

  it('decodes the number and ignores the scheme case and parameters', () => {
    expect(classifyLink('TEL:%2B44%2020%207946%200958', 'Call')).toEqual({
      call: { number: '+44 20 7946 0958', kind: 'tel', digits: '+442079460958', text: 'Call' },
    });
    expect(classifyLink('tel:+15551234567;ext=12', '')?.call?.number).toBe('+15551234567');
  });

  it('reads sms: links without their body', () => {
    expect(classifyLink('sms:+15551234567?body=Hello', 'Text us')).toEqual({
      call: { number: '+15551234567', kind: 'sms', digits: '+15551234567', text: 'Text us' },
    });
    expect(classifyLink('sms:+15551234567;?&body=Hello', '')?.call?.number).toBe('+15551234567');
  });

  it('reads wa.me links', () => {
    expect(classifyLink('https://wa.me/15551234567?text=Hi', ' WhatsApp ')).toEqual({
      call: { number: '15551234567', kind: 'whatsapp', digits: '+15551234567', text: 'WhatsApp' },
    });
    expect(classifyLink('https://wa.me/15551234567/', '')?.call?.number).toBe('15551234567');
  });

  it('reads api.whatsapp.com/send?phone= links, the phone anywhere in the query', () => {
    expect(classifyLink('https://api.whatsapp.com/send?phone=15551234567&text=Hi', 'Chat')).toEqual(
      { call: { number: '15551234567', kind: 'whatsapp', digits: '+15551234567', text: 'Chat' } },
    );
    expect(
      classifyLink('https://api.whatsapp.com/send/?text=Hi&phone=%2B15551234567', '')?.call,
    ).toEqual({ number: '+15551234567', kind: 'whatsapp', digits: '+15551234567', text: '' });
  });

  it('reads mailto: links as an email address without the query', () => {
    expect(classifyLink('mailto:sales@example.com?subject=Quote', 'Email us')).toEqual({
      email: 'sales@example.com',
    });
    expect(classifyLink('MAILTO:ada%40example.com', '')).toEqual({ email: 'ada@example.com' });
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
      expect(classifyLink(href, 'x'), href).toBe(undefined);
  });

  it('caps the number at 128 and the text at 200 characters', () => {
    const found = classifyLink(`tel:${'1'.repeat(300)}`, 't'.repeat(300));
    expect(found?.call?.number).toHaveLength(128);
    expect(found?.call?.text).toHaveLength(200);
  });

  it('ignores WhatsApp links that are not a number (catalogs, short links)', () => {
    expect(classifyLink('https://wa.me/message/ABCDEF', 'Chat')).toBe(undefined);
    expect(classifyLink('https://wa.me/c/15551234567', 'Shop')).toBe(undefined);
  });
});
