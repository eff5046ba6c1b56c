import { canonicalJson, requestHash } from './request-hash.js';

const request = {
  debitAccountId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
  creditAccountId: '8c4f8a38-5b0e-4d8e-9a49-3f3f6f0e1f6b',
  amount: '1050',
  currency: 'EUR' as const,
};

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined fields', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null }, z: undefined })).toBe(
      '{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}',
    );
  });

  it('escapes strings as JSON does', () => {
    expect(canonicalJson({ 'k"': 'line\nbreak' })).toBe('{"k\\"":"line\\nbreak"}');
  });
});

describe('requestHash', () => {
  it('is the SHA-256 of the canonical form', () => {
    expect(requestHash(request)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not depend on key order', () => {
    const { currency, amount, creditAccountId, debitAccountId } = request;
    expect(requestHash({ currency, amount, creditAccountId, debitAccountId })).toBe(
      requestHash(request),
    );
  });

  it.each([
    { amount: '1051' },
    { currency: 'USD' as const },
    { creditAccountId: '8c4f8a38-5b0e-4d8e-9a49-3f3f6f0e1f6c' },
  ])('changes with %j', (change) => {
    expect(requestHash({ ...request, ...change })).not.toBe(requestHash(request));
  });
});
