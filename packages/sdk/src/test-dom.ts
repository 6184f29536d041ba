// biome-ignore-all lint/suspicious/noDocumentCookie: tests clear cookies as a page would
// Shared by the happy-dom tests: moving the page and clearing what the SDK left behind.
import { vi } from 'vitest';

export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function setURL(url: string): void {
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(url);
}

/** What a click on `#/route` does; happy-dom fires its own hashchange on real timers. */
export function hashChange(url: string): void {
  setURL(url);
  dispatchEvent(new HashChangeEvent('hashchange'));
}

/** Removes every cookie, host-only or on the test domains. */
export function clearCookies(): void {
  for (const pair of document.cookie.split('; ')) {
    const name = pair.split('=')[0];
    for (const domain of ['', ';domain=example.com', ';domain=www.example.com'])
      if (name) document.cookie = `${name}=;path=/;max-age=-1${domain}`;
  }
}

const listeners: [string, EventListenerOrEventListenerObject | null, unknown][] = [];
const nativeSubmit = HTMLFormElement.prototype.submit;

/** Records what the SDK attaches to the window, so `unloadPage()` can take it off again. */
export function recordListeners(): void {
  const add = window.addEventListener.bind(window);
  vi.spyOn(window, 'addEventListener').mockImplementation((type, listener, options) => {
    listeners.push([type, listener, options]);
    add(type, listener, options);
  });
}

/** Removes what a page load's SDK attached to the window, as leaving the page would. */
export function unloadPage(): void {
  for (const [type, listener, options] of listeners.splice(0))
    window.removeEventListener(type, listener as EventListener, options as boolean);
  Reflect.deleteProperty(history, 'pushState');
  Reflect.deleteProperty(history, 'replaceState');
  HTMLFormElement.prototype.submit = nativeSubmit;
}
