declare const __DEBUG__: boolean;

/** Runs `fn`, never letting an exception reach the host page (logged in the debug build). */
export function safe<A extends unknown[], R>(fn: (...args: A) => R) {
  return (...args: A): R | undefined => {
    try {
      return fn(...args);
    } catch (error) {
      if (__DEBUG__) console.warn('[leadloop]', error);
    }
  };
}
