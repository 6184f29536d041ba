import { afterEach, describe, expect, it } from 'vitest';
import { formFill, isSensitiveValue, luhn } from './fields.ts';

/** The fields and traits of the fill of `form`, undefined when it is ignored. */
function captureForm(form: HTMLFormElement) {
  const fill = formFill(form);
  return fill && { fields: fill.form.fields, traits: fill.traits };
}

/** A form built from `html`, appended to the body (or inside `wrapper` when given). */
function form(html: string, attributes = '', wrapper?: string): HTMLFormElement {
  const markup = `<form ${attributes}>${html}</form>`;
  document.body.innerHTML = wrapper ? wrapper.replace('%', markup) : markup;
  return document.querySelector('form')!;
}

afterEach(() => {
  document.body.innerHTML = '';
});

describe('luhn', () => {
  it('accepts numbers with a valid check digit and refuses others', () => {
    expect(luhn('4242424242424242')).toBe(true);
    expect(luhn('4111111111111111')).toBe(true);
    expect(luhn('378282246310005')).toBe(true);
    expect(luhn('79927398713')).toBe(true);
    expect(luhn('4242424242424241')).toBe(false);
    expect(luhn('79927398710')).toBe(false);
    expect(luhn('1234567812345678')).toBe(false);
  });
});

describe('isSensitiveValue', () => {
  it('flags card numbers of 13–19 digits passing Luhn, with spaces or dashes', () => {
    expect(isSensitiveValue('4242424242424242')).toBe(true);
    expect(isSensitiveValue('4242 4242 4242 4242')).toBe(true);
    expect(isSensitiveValue('4242-4242-4242-4242')).toBe(true);
    expect(isSensitiveValue('3782 822463 10005')).toBe(true);
    expect(isSensitiveValue('6011 0009 9013 9424 000')).toBe(false); // 19 digits, bad check
    expect(isSensitiveValue('4242 4242 4242 4241')).toBe(false);
  });

  it('ignores digit strings too short or too long to be cards', () => {
    expect(isSensitiveValue('79927398713')).toBe(false); // passes Luhn, 11 digits
    expect(isSensitiveValue('000000000000')).toBe(false); // passes Luhn, 12 digits
    expect(isSensitiveValue('00000000000000000000')).toBe(false); // passes Luhn, 20 digits
  });

  it('flags IBAN-like values in any case and spacing', () => {
    expect(isSensitiveValue('DE89 3704 0044 0532 0130 00')).toBe(true);
    expect(isSensitiveValue('gb29 nwbk 6016 1331 9268 19')).toBe(true);
    expect(isSensitiveValue('FR1420041010050500013M02606')).toBe(true);
  });

  it('lets ordinary values through', () => {
    for (const value of ['hello', 'ada@example.com', '+1 555 123 4567', 'DE89', 'Order 123', ''])
      expect(isSensitiveValue(value), value).toBe(false);
  });
});

describe('formFill', () => {
  it('captures named fields with trimmed values and finds email, phone and name', () => {
    const captured = captureForm(
      form(`
        <input type="email" name="contact" value=" ada@example.com ">
        <input type="tel" name="number" value="+1 (555) 123-4567">
        <input name="name" value="Ada Lovelace">
        <textarea name="message">Call me</textarea>
        <select name="budget"><option>small</option><option selected>large</option></select>`),
    );
    expect(captured).toEqual({
      fields: {
        contact: 'ada@example.com',
        number: '+1 (555) 123-4567',
        name: 'Ada Lovelace',
        message: 'Call me',
        budget: 'large',
      },
      traits: { email: 'ada@example.com', phone: '+1 (555) 123-4567', name: 'Ada Lovelace' },
    });
  });

  it('finds the email by type, by name and by autocomplete', () => {
    const by = (html: string) => captureForm(form(html))?.traits?.email;
    expect(by('<input type="email" name="a" value="a@x.io">')).toBe('a@x.io');
    expect(by('<input name="your-email" value="b@x.io">')).toBe('b@x.io');
    expect(by('<input name="E-Mail" value="c@x.io">')).toBe('c@x.io');
    expect(by('<input name="a" autocomplete="email" value="d@x.io">')).toBe('d@x.io');
    expect(by('<input name="a" value="e@x.io">')).toBe(undefined);
  });

  it('keeps an email field without an @ as a field but not as the email trait', () => {
    expect(captureForm(form('<input type="email" name="email" value="nope">'))).toEqual({
      fields: { email: 'nope' },
      traits: undefined,
    });
  });

  it('finds the phone by type, by name and by autocomplete, with more than six digits', () => {
    const by = (html: string) => captureForm(form(html))?.traits?.phone;
    expect(by('<input type="tel" name="a" value="555 123 4567">')).toBe('555 123 4567');
    expect(by('<input name="phone_number" value="5551234567">')).toBe('5551234567');
    expect(by('<input name="Mobile" value="07700 900123">')).toBe('07700 900123');
    expect(by('<input name="a" autocomplete="tel" value="+44 20 7946 0958">')).toBe(
      '+44 20 7946 0958',
    );
    expect(by('<input type="tel" name="a" value="123-456">')).toBe(undefined);
    expect(by('<input name="a" value="5551234567">')).toBe(undefined);
  });

  it('finds the name by the field name or autocomplete="name"', () => {
    // Traits come with an email or a phone only.
    const email = '<input type="email" name="contact" value="ada@example.com">';
    const by = (html: string) => captureForm(form(html + email))?.traits?.name;
    expect(by('<input name="name" value="Ada">')).toBe('Ada');
    expect(by('<input name="full_name" value="Ada L">')).toBe('Ada L');
    expect(by('<input name="fullname" value="Ada M">')).toBe('Ada M');
    expect(by('<input name="x" autocomplete="name" value="Ada N">')).toBe('Ada N');
    expect(by('<input name="company_name" value="Acme">')).toBe(undefined);
    expect(by('<input name="x" autocomplete="username" value="ada">')).toBe(undefined);
  });

  it('is a form_submit with the form id and name from its attributes', () => {
    const element = form(
      '<input name="id" value="42"><input name="name" value="Ada"><input name="phone" value="+15550102030">',
      'id="contact" name="contact-form"',
    );
    expect(formFill(element)).toEqual({
      type: 'form_submit',
      form: {
        id: 'contact',
        name: 'contact-form',
        fields: { id: '42', name: 'Ada', phone: '+15550102030' },
      },
      traits: { name: 'Ada', phone: '+15550102030' },
    });
    expect(formFill(form('<input name="a" value="1">'))?.form).toEqual({ fields: { a: '1' } });
  });

  it('carries traits only with an email or a phone: a name alone identifies nobody', () => {
    const fill = formFill(form('<input name="name" value="Ada"><input name="q" value="crm">'));
    expect(fill).toEqual({ type: 'form_submit', form: { fields: { name: 'Ada', q: 'crm' } } });
    expect(fill).not.toHaveProperty('traits', expect.anything());
  });

  it('uses the id when a field has no name, and skips fields with neither', () => {
    const captured = captureForm(
      form(`<input id="city" value="Paris"><input value="nameless"><textarea>x</textarea>`),
    );
    expect(captured?.fields).toEqual({ city: 'Paris' });
  });

  it('never captures passwords, hidden fields, files or buttons', () => {
    const element = form(`
      <input type="password" name="password" value="hunter2">
      <input type="password" name="x" value="hunter3">
      <input name="pwd" value="hunter4">
      <input name="new-passcode" value="1234">
      <input type="hidden" name="csrf" value="abc">
      <input type="file" name="cv">
      <input type="submit" name="send" value="Send">
      <input type="reset" name="r" value="Reset">
      <input type="image" name="i" value="go">
      <button name="action" value="subscribe">Go</button>
      <input name="kept" value="yes">`);
    // A chosen file's value is its fake path: the type alone must exclude it.
    Object.defineProperty(element.querySelector('[type=file]')!, 'value', {
      value: 'C:\\fakepath\\cv.pdf',
    });
    expect(captureForm(element)).toEqual({ fields: { kept: 'yes' }, traits: undefined });
  });

  it('never captures secrets named as such', () => {
    const captured = captureForm(
      form(`
        <input name="api_token" value="t0k3n">
        <input name="client_secret" value="s3cr3t">
        <input name="ssn" value="078-05-1120">
        <input name="code" autocomplete="one-time-code" value="123456">
        <input name="kept" value="yes">`),
    );
    expect(captured?.fields).toEqual({ kept: 'yes' });
  });

  it('never captures payment fields by autocomplete cc-*, whatever their value', () => {
    const captured = captureForm(
      form(`
        <input name="n1" autocomplete="cc-number" value="1234">
        <input name="n2" autocomplete="cc-exp" value="12/29">
        <input name="n3" autocomplete="cc-csc" value="123">
        <input name="n4" autocomplete="cc-name" value="ADA LOVELACE">
        <input name="kept" value="yes">`),
    );
    expect(captured?.fields).toEqual({ kept: 'yes' });
  });

  it('never captures card numbers by value, in any plainly named field', () => {
    const captured = captureForm(
      form(`
        <input name="ref" value="4111 1111 1111 1111">
        <textarea name="notes">4242-4242-4242-4242</textarea>
        <input name="order" value="4111 1111 1111 1112">`),
    );
    expect(captured?.fields).toEqual({ order: '4111 1111 1111 1112' });
  });

  it('never captures CVC or card fields by name, nor IBAN-like values', () => {
    const captured = captureForm(
      form(`
        <input name="cvc" value="123">
        <input name="card_cvv" value="456">
        <input name="csc" value="789">
        <input name="card_number" value="1234">
        <input name="account" value="DE89 3704 0044 0532 0130 00">
        <input name="iban" value="DE00">
        <input name="kept" value="yes">`),
    );
    expect(captured?.fields).toEqual({ kept: 'yes' });
  });

  it('keeps a 13+-digit phone number in a tel field even though it passes Luhn', () => {
    const phone = '0049 1512 3456787';
    expect(isSensitiveValue(phone)).toBe(true);
    expect(captureForm(form(`<input type="tel" name="t" value="${phone}">`))).toEqual({
      fields: { t: phone },
      traits: { phone },
    });
    expect(captureForm(form(`<input name="phone" value="${phone}">`))?.traits?.phone).toBe(phone);
    // Written with `+`, it is no card number to begin with.
    expect(isSensitiveValue('+49 1512 3456787')).toBe(false);
    // The same digits in a field that is not a phone field are dropped.
    expect(captureForm(form(`<input name="ref" value="${phone}">`))?.fields).toEqual({});
  });

  it('never captures a card number typed into a type="tel" field', () => {
    const captured = captureForm(
      form(`<input type="tel" name="cc_number" inputmode="numeric" value="4242 4242 4242 4242">`),
    );
    expect(captured?.fields).toEqual({});
  });

  it('skips fields marked data-leadloop-ignore, or inside an ignored element', () => {
    const captured = captureForm(
      form(`
        <input name="a" value="1" data-leadloop-ignore>
        <div data-leadloop-ignore><input name="b" value="2"></div>
        <input name="c" value="3">`),
    );
    expect(captured?.fields).toEqual({ c: '3' });
  });

  it('skips a form marked data-leadloop-ignore, or inside an ignored element', () => {
    expect(captureForm(form('<input name="a" value="1">', 'data-leadloop-ignore'))).toBe(undefined);
    expect(
      captureForm(
        form('<input name="a" value="1">', '', '<section data-leadloop-ignore>%</section>'),
      ),
    ).toBe(undefined);
  });

  it('captures only the fields of the data-leadloop-fields allow-list', () => {
    const captured = captureForm(
      form(
        `<input name="email" value="ada@example.com">
         <input name="message" value="hi">
         <input name="company" value="Acme">
         <input name="password" type="password" value="x">`,
        'data-leadloop-fields="email ,message, password"',
      ),
    );
    expect(captured).toEqual({
      fields: { email: 'ada@example.com', message: 'hi' },
      traits: { email: 'ada@example.com' },
    });
  });

  it('skips unchecked checkboxes and radios, and joins the checked ones of one name', () => {
    const captured = captureForm(
      form(`
        <input type="checkbox" name="newsletter">
        <input type="checkbox" name="terms" checked>
        <input type="checkbox" name="topic" value="seo" checked>
        <input type="checkbox" name="topic" value="ads">
        <input type="checkbox" name="topic" value="crm" checked>
        <input type="radio" name="size" value="s">
        <input type="radio" name="size" value="m" checked>`),
    );
    expect(captured?.fields).toEqual({ terms: 'on', topic: 'seo, crm', size: 'm' });
  });

  it('skips empty fields', () => {
    expect(captureForm(form('<input name="a" value="  "><input name="b">'))).toEqual({
      fields: {},
      traits: undefined,
    });
  });

  it('caps a form at 100 fields, and names at 200 and values at 1000 characters', () => {
    const inputs = Array.from({ length: 150 }, (_, i) => `<input name="f${i}" value="${i}">`);
    const many = captureForm(form(inputs.join('')))!;
    expect(Object.keys(many.fields)).toHaveLength(100);
    expect(many.fields.f99).toBe('99');
    expect(many.fields).not.toHaveProperty('f100');

    const long = captureForm(
      form(`<input name="${'n'.repeat(300)}" value="${'v'.repeat(2000)}">`),
    )!;
    expect(long.fields).toEqual({ ['n'.repeat(200)]: 'v'.repeat(1000) });
  });
});
