import type { Attribution } from '@leadloop/schema';
import { getCookie } from './cookies.ts';

/**
 * Meta's and Google's browser ids, so conversions can later be sent back to the ad platforms: the
 * `_fbc`, `_fbp` and `_gcl_aw` cookies their tags set. Without `_fbc`, the collector builds it
 * from the last touch's fbclid, as Meta's pixel does.
 */
export const adIds = (): NonNullable<Attribution['adIds']> => ({
  fbc: getCookie('_fbc'),
  fbp: getCookie('_fbp'),
  gclAw: getCookie('_gcl_aw'),
});
