// The one list of campaign parameters Leadloop reads from landing URLs. Plain constants, no zod,
// so the browser SDK can import them without pulling a validator into the script tag.

/** UTM parameters, without their `utm_` prefix; `utm_id` becomes a touch's `utmId`. */
export const UTM_FIELDS = ['source', 'medium', 'campaign', 'term', 'content', 'id'] as const;

/** Ad-platform click ids, in the order a touch's `clickIdType` is chosen when several are present. */
export const CLICK_ID_PARAMS = [
  'gclid', // Google Ads
  'gbraid', // Google Ads, iOS app-to-web
  'wbraid', // Google Ads, iOS web-to-app
  'dclid', // Google Display & Video 360 / Campaign Manager
  'fbclid', // Meta
  'msclkid', // Microsoft Ads
  'ttclid', // TikTok
  'li_fat_id', // LinkedIn
  'twclid', // X (Twitter)
  'epik', // Pinterest
  'rdt_cid', // Reddit
  'sccid', // Snapchat
  'yclid', // Yandex
  'irclickid', // impact.com affiliates
] as const;

export type UtmField = (typeof UTM_FIELDS)[number];
export type ClickIdParam = (typeof CLICK_ID_PARAMS)[number];
