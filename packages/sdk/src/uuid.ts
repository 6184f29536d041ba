/** The random UUID that ends a blob URL (File API: "generate a random UUID"), the URL revoked. */
function fromBlob(url: string): string {
  URL.revokeObjectURL(url);
  return url.slice(-36);
}

/**
 * A v4 UUID: `crypto.randomUUID` where the page is a secure context, else the browser's own from a
 * blob URL, also on plain-http pages. Blob URLs cost a synchronous round trip to the browser
 * process each, and so does the first revocation of anything: not on a page's load if avoidable.
 */
export const uuid = (): string =>
  crypto.randomUUID?.() ?? fromBlob(URL.createObjectURL(new Blob()));
