import { describe, expect, it } from 'vitest';
import { parseForm } from '../src/http/form.js';

/** What `URLSearchParams#get` answers for every name: the reference parseForm must agree with. */
function reference(raw: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(raw)) if (!fields.has(name)) fields.set(name, value);
  return fields;
}

describe('parseForm (the credential exchange body)', () => {
  it('reads what posit-sdk sends', () => {
    const body = new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ2In0.c2ln-_',
      subject_token_type: 'urn:posit:connect:user-session-token',
    }).toString();
    const form = parseForm(body);
    expect(form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:token-exchange');
    expect(form.get('subject_token')).toBe('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ2In0.c2ln-_');
    expect(form.get('subject_token_type')).toBe('urn:posit:connect:user-session-token');
    expect(form.get('audience')).toBeUndefined();
  });

  it.each([
    ['', 'empty body'],
    ['a=1&a=2', 'first value of a repeated name wins'],
    ['a=b+c&d%20e=f%2Bg', 'plus is a space, escapes decode, %2B is a plus'],
    ['flag&=novalue&x=', 'names without = and empty names or values'],
    ['&&a=1&&', 'empty pairs'],
    ['a=1=2', 'only the first = splits'],
    ['k=%E2%82%AC%F0%9F%94%91', 'UTF-8 escapes'],
    ['k=%zz&j=%&m=%E2%82', 'malformed escapes stay text'],
    ['%41=1&A=2', 'an escaped name is the same name'],
    ['k=caf\u00e9&\u00fc=1', 'raw non-ASCII'],
  ])('agrees with URLSearchParams: %s (%s)', (raw) => {
    expect(parseForm(raw)).toEqual(reference(raw));
  });

  it('decodes repeated and many distinct escaped parts alike (recently decoded parts are remembered)', () => {
    const bodies = Array.from({ length: 600 }, (_, i) => `k${i % 300}=v%2B${i % 300}+%E2%82%AC&grant_type=urn%3Aietf%3Aparams`);
    for (const raw of [...bodies, ...bodies.reverse()]) expect(parseForm(raw), raw).toEqual(reference(raw));
    const long = `k=${'%41'.repeat(100)}`;
    expect(parseForm(long).get('k')).toBe('A'.repeat(100));
    expect(parseForm(long).get('k')).toBe('A'.repeat(100));
  });

  it('agrees with URLSearchParams on random bodies of form characters', () => {
    const alphabet = ['a', 'b', '=', '&', '+', '%', '2', 'B', 'E', '8', 'z', '\u00e9', ' '];
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % alphabet.length;
    for (let i = 0; i < 2000; i++) {
      const raw = Array.from({ length: 1 + (i % 17) }, () => alphabet[next()]).join('');
      expect(parseForm(raw), raw).toEqual(reference(raw));
    }
  });
});
