/** Bytes `text` takes as UTF-8, without allocating (TextEncoder is not in every runtime's lib). */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && isLowSurrogate(text.charCodeAt(index + 1))) {
      bytes += 4; // a surrogate pair is one 4-byte code point
      index++;
    } else bytes += 3;
  }
  return bytes;
}

// A high surrogate without a low one after it is lone: UTF-8 writes it as U+FFFD (3 bytes).
function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
