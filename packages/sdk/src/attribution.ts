import { CLICK_ID_PARAMS, UTM_FIELDS } from '@leadloop/schema/params';

// The SDK only decides whether a landing is a touch (client.ts) and keeps its URL; the collector
// reads the UTM values and click ids out of `landingPage` with the same list, so the two never
// disagree and the script tag stays small.
/**
 * A `name=value` pair of a query whose name is a UTM parameter or a click id and whose value is
 * not empty. `=` is written `\x3d` so that terser's guard against slow patterns lets it fold the
 * whole pattern into a literal (the build writes it back as `=`).
 */
const CAMPAIGN_PAIR = new RegExp(
  `^(utm_(${UTM_FIELDS.join('|')})|${CLICK_ID_PARAMS.join('|')})\\x3d.`,
);

/**
 * A short signature of the campaign parameters and click ids in `href` (undefined without any):
 * a landing with one is a touch, and a landing with a different one starts a new session.
 */
export function campaignSignature(href: string): string | undefined {
  const text = new URL(href).search
    .split(/[?&]/)
    .filter((pair) => CAMPAIGN_PAIR.test(pair))
    .join();
  let hash = 5381;
  for (const char of text) hash = (hash * 33) ^ char.charCodeAt(0);
  if (text) return (hash >>> 0).toString(36);
}
