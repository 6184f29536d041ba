// What a form submission may carry: names and values of ordinary fields. Never passwords, hidden
// inputs, payment data (by autocomplete, by name and by value), or anything marked ignored.

type Traits = { email?: string; phone?: string; name?: string };
/** A form_submit event's own fields. */
export type FormFill = {
  type: 'form_submit';
  form: { id?: string; name?: string; fields: Record<string, string> };
  traits?: Traits;
};

/** Luhn checksum, as card numbers carry. */
export function luhn(digits: string): boolean {
  let sum = 0;
  // From the right, weights 1, 2, 1, 2…
  for (let index = digits.length, weight = 1; index--; weight ^= 3) {
    const digit = +digits[index]! * weight;
    sum += digit > 9 ? digit - 9 : digit;
  }
  return sum % 10 === 0;
}

/** Values that look like a card number (13–19 digits passing Luhn) or an IBAN. */
export function isSensitiveValue(value: string): boolean {
  const compact = value.replace(/[\s-]/g, '');
  return /^\d{13,19}$/.test(compact)
    ? luhn(compact)
    : /^[a-z]{2}\d\d[a-z\d]{10,30}$/i.test(compact);
}

/** An attribute of a form, even when one of its fields is named "getAttribute". */
const attribute = (element: Element, name: string): string | undefined =>
  Element.prototype.getAttribute.call(element, name) ?? undefined;

/**
 * The fill of `form`, undefined when the form is ignored: its capturable fields, and the identity
 * traits they hold when an email or a phone is among them (the fill then identifies its sender).
 */
export function formFill(form: HTMLFormElement): FormFill | undefined {
  // Through the prototypes: a field named "elements" or "closest" shadows the form's own.
  if (Element.prototype.closest.call(form, '[data-leadloop-ignore]')) return;
  const allowed = attribute(form, 'data-leadloop-fields')?.split(/\s*,\s*/);
  const fields: Record<string, string> = Object.create(null); // "constructor" is a field name too
  const traits: Traits = {};
  let count = 0;
  for (const field of Reflect.get(
    HTMLFormElement.prototype,
    'elements',
    form,
  ) as Iterable<HTMLInputElement>) {
    const name = (field.name || field.id).slice(0, 200);
    // One string to test names against: the type first, then autocomplete, then the name.
    // The autocomplete attribute as written: the property is empty for tokens the browser does not
    // know (`autocomplete="password"`), which still name a secret.
    const hint = `${field.type} ${field.getAttribute('autocomplete')} ${name}`;
    const isPhone = /\btel|phone|mobile|cell/i.test(hint);
    // `[value]` joins to '' for a field without one (fieldset, output, object).
    const value = (/^(checkbox|radio) /.test(hint) && !field.checked ? '' : `${[field.value]}`)
      .trim()
      .slice(0, 1000);
    if (
      value &&
      name &&
      count < 100 &&
      (!allowed || allowed.includes(name)) &&
      !field.closest('[data-leadloop-ignore]') &&
      // Types that are no answer (password is caught as a name below); autocomplete tokens and
      // names of secrets and payment data. The hint starts with the type: a name is never first.
      !/^(hidden|file|submit|button|reset|image) |cc-|one-time|pass(w|c|ph)| pass$|pwd|secret|token|card|cv[cv]|csc|iban|[^a-z]ssn/i.test(
        hint,
      ) &&
      // A phone number can pass Luhn by chance: one written with + or 0 is kept; card forms also
      // use type="tel", and card numbers start with 2–6.
      ((isPhone && /^[+0(]/.test(value)) || !isSensitiveValue(value))
    ) {
      count++;
      fields[name] = (fields[name] ? `${fields[name]}, ${value}` : value).slice(0, 4096);
      if (/e-?mail/i.test(hint) && value.includes('@')) traits.email = value;
      else if (isPhone && value.replace(/\D/g, '').length > 6) traits.phone = value;
      else if (/ (full.?)?name( |$)/i.test(hint)) traits.name = value;
    }
  }
  return {
    type: 'form_submit',
    // Attributes, not properties: a field named "id" or "name" shadows form.id and form.name.
    form: { id: attribute(form, 'id'), name: attribute(form, 'name'), fields },
    traits: traits.email || traits.phone ? traits : undefined,
  };
}
