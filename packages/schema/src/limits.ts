/** Hard limits on what the collector accepts. Documented in the README; enforced by the schemas. */
export const LIMITS = {
  /** Whole `POST /v1/collect` body, checked before parsing. */
  batchBytes: 500 * 1024,
  /** Events in one batch. */
  batchEvents: 100,
  /** One event, as UTF-8 JSON. */
  eventBytes: 32 * 1024,
  /** Nesting depth of `traits` / `properties` (the object itself is depth 1). */
  jsonDepth: 8,
  /** Keys in any one object inside `traits` / `properties`. */
  jsonKeys: 100,
  /** Items in any one array inside `traits` / `properties`. */
  jsonArrayItems: 100,
  /** Length of an object key inside `traits` / `properties`. */
  jsonKeyLength: 256,
  /** Length of any string value inside `traits` / `properties` / form fields. */
  stringLength: 4096,
  /** Length of URLs (page URL, referrer, landing page). */
  urlLength: 8192,
  /** Length of ids (event, anonymous, session) and short labels. */
  idLength: 128,
  /** Length of titles, names and campaign values. */
  textLength: 1024,
  /** Fields in one form submission. */
  formFields: 100,
} as const;
