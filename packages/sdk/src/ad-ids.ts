import type { Attribution, Touch } from '@leadloop/schema';
import { getCookie } from './cookies.ts';

type AdIds = NonNullable<Attribution['adIds']>;

/**
 * Meta's and Google's browser ids, so conversions can later be sent back to the ad platforms:
 * the `_fbc`, `_fbp` and `_gcl_aw` cookies their tags set, else `_fbc` built from the last
 * touch's fbclid as Meta does (`fb.1.<ms>.<fbclid>`).
 */
export function adIds(last: Touch | undefined): AdIds {
  const fbclid = last?.clickIds?.fbclid;
  return {
    fbc: getCookie('_fbc') || (fbclid && `fb.1.${Date.parse(last.timestamp!)}.${fbclid}`),
    fbp: getCookie('_fbp'),
    gclAw: getCookie('_gcl_aw'),
  };
}
