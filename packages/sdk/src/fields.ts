// What a form submission may carry: names and values of ordinary fields. Never passwords, hidden
// inputs, payment data (by autocomplete, by name and by value), or anything marked ignored.

export type CapturedForm = {
  fields: Record<string, string>;
  traits: { email?: string; phone?: string; name?: string };
};

/** Luhn checksum, as card numbers carry. */
export function luhn(digits: string): boolean {
  let sum = 0;
  for (let index = digits.length; index--; ) {
    const digit = +digits[index]! * ((digits.length - index) % 2 ? 1 : 2);
    sum += digit > 9 ? digit - 9 : digit;
  }
  return sum % 10 === 0;
}

/** Values that look like a card number (13–19 digits passing Luhn) or an IBAN. */
export function isSensitiveValue(value: string): boolean {
  const compact = value.replace(/[\s-]/g, '').toUpperCase();
  return /^\d{13,19}$/.test(compact)
    ? luhn(compact)
    : /^[A-Z]{2}\d\d[A-Z0-9]{10,30}$/.test(compact);
}

/** An attribute of a form, even when one of its fields is named "getAttribute". */
export const attribute = (element: Element, name: string): string | null =>
  Element.prototype.getAttribute.call(element, name);

/** The form's capturable fields and the identity traits they hold, or undefined when ignored. */
export function captureForm(form: HTMLFormElement): CapturedForm | undefined {
  // Through the prototypes: a field named "elements" or "closest" shadows the form's own.
  if (Element.prototype.closest.call(form, '[data-leadloop-ignore]')) return undefined;
  const allowed = attribute(form, 'data-leadloop-fields')?.split(/\s*,\s*/);
  const fields: Record<string, string> = Object.create(null); // "constructor" is a field name too
  const traits: CapturedForm['traits'] = {};
  let count = 0;
  const elements = Object.getOwnPropertyDescriptor(
    HTMLFormElement.prototype,
    'elements',
  )!.get!.call(form);
  for (const field of Array.from(elements as HTMLFormControlsCollection) as HTMLInputElement[]) {
    const name = (field.name || field.id).slice(0, 200);
    const hint = `${field.getAttribute('autocomplete')} ${field.type} ${name}`;
    const isPhone = /\btel|phone|mobile|cell/i.test(hint);
    const value = (
      /^(checkbox|radio)$/.test(field.type) && !field.checked ? '' : `${field.value ?? ''}`
    )
      .trim()
      .slice(0, 1000);
    if (
      value &&
      name &&
      count < 100 &&
      (!allowed || allowed.includes(name)) &&
      !field.closest('[data-leadloop-ignore]') &&
      !/^(password|hidden|file|submit|button|reset|image)$/.test(field.type) &&
      // autocomplete tokens and names of secrets and payment data
      !/cc-|one-time|pass(w|c|ph)| pass$|pwd|secret|token|card|cvc|cvv|csc|iban|(^|[^a-z])ssn/i.test(
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
      else if (/^name | (full.?)?name$/i.test(hint)) traits.name = value;
    }
  }
  return { fields, traits };
}
