import type { Emit } from './client.ts';
import { formFill } from './fields.ts';
import { linkEvent } from './links.ts';
import type { Api } from './options.ts';
import { safe } from './safe.ts';

/**
 * Runs `hook` with `this` before each call of `target[method]`. Frozen objects (a hostile page
 * freezing `history`) keep their method: SPA pageviews then come from popstate only.
 */
function before<T extends object>(target: T, method: keyof T, hook: (self: never) => void): void {
  const original = target[method] as (...args: unknown[]) => unknown;
  try {
    target[method] = function (this: never, ...args: unknown[]) {
      hook(this);
      return original.apply(this, args);
    } as T[keyof T];
  } catch {}
}

/** Automatic capture: pageviews (load and SPA navigation), form fills, call and email clicks. */
export function watchPage(api: Api, emit: Emit): void {
  // Frameworks set the new title just after navigating: read the page a tick later.
  const onNavigation = () => setTimeout(api.page);
  before(history, 'pushState', onNavigation);
  before(history, 'replaceState', onNavigation);
  // Without hash routing, a hash change leaves the page's URL as the SDK reads it: no pageview.
  addEventListener('popstate', onNavigation);
  addEventListener('hashchange', onNavigation);

  let lastForm: HTMLFormElement | undefined;
  const onSubmit = safe((form: HTMLFormElement) => {
    // A page that validates on submit and then calls form.submit() submits twice: record once.
    if (form === lastForm) return;
    lastForm = form;
    setTimeout(() => {
      lastForm = undefined;
    }, 1e3);
    const fill = formFill(form);
    if (fill) emit(fill, true);
  });
  // Submit events come from forms; a synthetic one elsewhere fails safely in onSubmit.
  addEventListener('submit', (event) => onSubmit(event.target as HTMLFormElement), true);
  // form.submit() fires no submit event.
  before(HTMLFormElement.prototype, 'submit', onSubmit);

  addEventListener(
    'click',
    safe((event: Event) => {
      // A click on the window itself throws here, safely. `href` as the browser parsed it: the
      // scheme in lower case.
      const link = (event.target as Element).closest<HTMLAnchorElement>('a[href]');
      const found = link && linkEvent(link.href, link.textContent!);
      if (found) emit(found);
    }),
    true,
  );
  api.page();
}
