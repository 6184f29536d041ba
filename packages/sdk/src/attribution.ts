import type { Touch } from '@leadloop/schema';
import { CLICK_ID_PARAMS, UTM_PARAMS, type UtmField } from '@leadloop/schema/params';

/**
 * The touch a page load carries, or `undefined` when the visit comes from nowhere in particular
 * (typed URL, reload, a link on the same site): those never replace a remembered touch.
 */
export function touchFromLocation(
  location: Location,
  referrer: string,
  now: Date,
): Touch | undefined {
  const params = new URLSearchParams(location.search);
  const touch: Touch = {};
  let found = false;
  for (const field of Object.keys(UTM_PARAMS) as UtmField[]) {
    const value = params.get(UTM_PARAMS[field]);
    if (!value) continue;
    touch[field === 'id' ? 'utmId' : field] = value;
    found = true;
  }
  for (const name of CLICK_ID_PARAMS) {
    const value = params.get(name);
    if (!value) continue;
    touch.clickIds = { ...touch.clickIds, [name]: value };
    found = true;
  }
  const external = referrer && hostOf(referrer) !== location.hostname;
  if (external) {
    touch.referrer = referrer;
    found = true;
  }
  if (!found) return undefined;
  touch.landingPage = location.href;
  touch.timestamp = now.toISOString();
  return touch;
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}
