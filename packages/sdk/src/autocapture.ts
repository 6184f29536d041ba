import type { Emit } from './client.ts';
import { attribute, captureForm } from './fields.ts';
import { classifyLink } from './links.ts';
import type { Api } from './options.ts';
import { safe } from './safe.ts';

/** Automatic capture: pageviews (load and SPA navigation), form fills, call and email clicks. */
export function watchPage(api: Api, emit: Emit, hashRouting?: boolean): void {
  // Frameworks set the new title just after navigating: read the page a tick later.
  const onNavigation = () => setTimeout(api.page);
  for (const method of ['pushState', 'replaceState'] as const) {
    const original = history[method];
    try {
      history[method] = function (this: History, ...args: Parameters<History['pushState']>) {
        original.apply(this, args);
        onNavigation();
      };
    } catch {
      // a frozen history: SPA pageviews then come from popstate only
    }
  }
  addEventListener('popstate', onNavigation);
  if (hashRouting) addEventListener('hashchange', onNavigation);

  let lastForm: HTMLFormElement | undefined;
  const onSubmit = safe((form: HTMLFormElement) => {
    // A page that validates on submit and then calls form.submit() submits twice: record once.
    if (form === lastForm) return;
    lastForm = form;
    setTimeout(() => {
      lastForm = undefined;
    }, 1e3);
    const captured = captureForm(form);
    if (!captured) return;
    const { traits, fields } = captured;
    // Attributes, not properties: a field named "id" or "name" shadows form.id and form.name.
    const form_ = {
      id: attribute(form, 'id') ?? undefined,
      name: attribute(form, 'name') ?? undefined,
      fields,
    };
    // A form with an email or phone identifies its sender in the same event.
    emit(
      {
        type: 'form_submit',
        form: form_,
        traits: traits.email || traits.phone ? traits : undefined,
      },
      true,
    );
  });
  addEventListener(
    'submit',
    (event) => event.target instanceof HTMLFormElement && onSubmit(event.target),
    true,
  );
  // form.submit() fires no submit event.
  const prototype = HTMLFormElement.prototype;
  const submit = prototype.submit;
  try {
    prototype.submit = function (this: HTMLFormElement) {
      onSubmit(this);
      submit.call(this);
    };
  } catch {}

  addEventListener(
    'click',
    safe((event: Event) => {
      const link = (event.target as Element).closest?.('a[href]');
      const found = link && classifyLink(link.getAttribute('href')!, link.textContent!);
      if (!found) return;
      if (found.call) emit({ type: 'call_click', call: found.call });
      else api.track('email_click', { address: found.email });
    }),
    true,
  );
  api.page();
}
