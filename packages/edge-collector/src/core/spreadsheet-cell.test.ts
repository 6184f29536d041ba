import { describe, expect, it } from 'vitest';
import { spreadsheetSafe } from './spreadsheet-cell.ts';

describe('spreadsheetSafe', () => {
  it.each([
    ['=HYPERLINK("http://evil.com","x")', `'=HYPERLINK("http://evil.com","x")`],
    ['+1+2', `'+1+2`],
    ['-2+3', `'-2+3`],
    ['@SUM(A1)', `'@SUM(A1)`],
    ['\t=1', `'\t=1`],
    ['\r=1', `'\r=1`],
    ['\n=1', `'\n=1`],
  ])('neutralises %j', (input, expected) => {
    expect(spreadsheetSafe(input)).toBe(expected);
  });

  it('drops NUL and then judges what is left', () => {
    expect(spreadsheetSafe('\0=1+1')).toBe(`'=1+1`);
    expect(spreadsheetSafe('a\0b')).toBe('ab');
  });

  it('leaves ordinary text, numbers and booleans alone', () => {
    expect(spreadsheetSafe('Ada Lovelace')).toBe('Ada Lovelace');
    expect(spreadsheetSafe('ada+list@acme.com')).toBe('ada+list@acme.com');
    expect(spreadsheetSafe(-5)).toBe(-5);
    expect(spreadsheetSafe(true)).toBe(true);
  });

  it('writes objects as JSON and nothing for null', () => {
    expect(spreadsheetSafe({ plan: 'pro' })).toBe('{"plan":"pro"}');
    expect(spreadsheetSafe(null)).toBe('');
    expect(spreadsheetSafe(undefined)).toBe('');
  });
});
