import {
  type Attribution,
  CLICK_ID_PARAMS,
  LIMITS,
  type Touch,
  UTM_FIELDS,
} from '@leadloop/schema';

// The browser SDK sends a touch as its landing page, referrer and time, and leaves reading the
// campaign out of the URL to the collector: one parser, one list (schema's attribution-params),
// and a smaller script tag. Fields a sender states itself (a server-side integration) win.

/** The touch with its UTM values and click ids read from `landingPage` where it does not say them. */
export function withCampaignFields(touch: Touch): Touch {
  let params: URLSearchParams;
  try {
    params = new URL(touch.landingPage ?? '').searchParams;
  } catch {
    return touch;
  }
  const filled: Touch = { ...touch };
  const value = (name: string) => params.get(name)?.slice(0, LIMITS.textLength) || undefined;
  for (const field of UTM_FIELDS) {
    const key = field === 'id' ? 'utmId' : field;
    const found = value(`utm_${field}`);
    if (found && filled[key] === undefined) filled[key] = found;
  }
  const clickIds = Object.fromEntries(
    CLICK_ID_PARAMS.map((name) => [name, value(name)]).filter(([, id]) => id),
  );
  if (!filled.clickIds && Object.keys(clickIds).length > 0) filled.clickIds = clickIds;
  return filled;
}

/**
 * Meta's `_fbc` as its pixel builds it (`fb.1.<click time in ms>.<fbclid>`) from the last touch,
 * when the browser had no `_fbc` cookie to send.
 */
export function withFacebookClickId(attribution: Attribution): Attribution['adIds'] {
  const { adIds, last } = attribution;
  const fbclid = last?.clickIds?.fbclid;
  const clickedAt = Date.parse(last?.timestamp ?? '');
  if (adIds?.fbc || !fbclid || Number.isNaN(clickedAt)) return adIds;
  return { ...adIds, fbc: `fb.1.${clickedAt}.${fbclid}` };
}
