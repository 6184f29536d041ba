import type { EventFields } from './client.ts';

/**
 * The event a click on `href` makes: call_click for a call (tel:, sms:, WhatsApp), an
 * `email_click` track for mailto:, or nothing. `href` is a link's `href` property, parsed by the
 * browser: its scheme in lower case.
 */
export function linkEvent(href: string, text: string): EventFields | undefined {
  // One pattern for both: a scheme (tel, sms, mailto), or a WhatsApp link whose number starts
  // with + or a digit; the target ends at the query, parameters or the next path segment. Groups
  // capture whether used or not (no `?:`, shorter): 2 is the scheme, 5 the target.
  const match =
    /^((tel|sms|mailto):|https:\/\/(wa\.me\/|api\.whatsapp\.com\/send\/?\?(.*&)?phone=)(?=[+\d]|%2B))([^?;&#/]+)/i.exec(
      href,
    );
  if (!match) return;
  const target = decodeURIComponent(match[5]!).trim();
  const kind = match[2] || 'whatsapp';
  return kind === 'mailto'
    ? { type: 'track', name: 'email_click', properties: { address: target } }
    : {
        type: 'call_click',
        call: {
          number: target.slice(0, 128),
          kind: kind as 'tel',
          // `+` and digits; the collector derives E.164 with the site's default country.
          // WhatsApp numbers (no scheme matched) are always international.
          digits: (target[0] === '+' || !match[2] ? '+' : '') + target.replace(/\D/g, ''),
          text: text.trim().slice(0, 200),
        },
      };
}
