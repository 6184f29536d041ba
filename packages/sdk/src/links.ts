import type { LeadloopEventInput } from '@leadloop/schema';

type Call = Extract<LeadloopEventInput, { type: 'call_click' }>['call'];

/** What a click on `href` means: a call (tel:, sms:, WhatsApp), an email click (mailto:), or nothing. */
export function classifyLink(
  href: string,
  text: string,
): { call?: Call; email?: string } | undefined {
  const match =
    /^(tel|sms|mailto):([^?;]+)/i.exec(href) ??
    /^https:\/\/(?:wa\.me\/|api\.whatsapp\.com\/send\/?\?(?:.*&)?phone=)()((?:[+\d]|%2B)[^/?&#]*)/i.exec(
      href,
    );
  if (!match) return undefined;
  const target = decodeURIComponent(match[2]!).trim();
  const kind = match[1]?.toLowerCase() || 'whatsapp';
  if (kind === 'mailto') return { email: target };
  const call: Call = {
    number: target.slice(0, 128),
    kind: kind as 'tel',
    // `+` and digits; the collector derives E.164 with the site's default country.
    digits: (/^\+/.test(target) || kind === 'whatsapp' ? '+' : '') + target.replace(/\D/g, ''),
    text: text.trim().slice(0, 200),
  };
  return { call };
}
