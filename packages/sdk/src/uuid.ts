/**
 * A v4 UUID: every blob URL ends with a random UUID the browser made (File API: "generate a
 * random UUID"), also on plain-http pages where `crypto.randomUUID` is missing.
 */
export function uuid(): string {
  const url = URL.createObjectURL(new Blob());
  URL.revokeObjectURL(url);
  return url.slice(-36);
}
