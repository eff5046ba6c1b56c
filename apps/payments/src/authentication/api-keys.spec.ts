import { apiKeyLookup, presentedApiKey } from './api-keys.js';

describe('apiKeyLookup', () => {
  const clientOf = apiKeyLookup(
    new Map([
      ['alpha-key-0123456789', 'alpha'],
      ['beta-key-0123456789', 'beta'],
    ]),
  );

  it('finds the client of each configured key', () => {
    expect(clientOf('alpha-key-0123456789')).toBe('alpha');
    expect(clientOf('beta-key-0123456789')).toBe('beta');
  });

  it.each(['', 'alpha', 'alpha-key-012345678', 'alpha-key-0123456789 ', 'ALPHA-KEY-0123456789'])(
    'finds no client for %j',
    (key) => {
      expect(clientOf(key)).toBeUndefined();
    },
  );
});

describe('presentedApiKey', () => {
  it.each([
    [{ authorization: 'Bearer k1' }, 'k1'],
    [{ authorization: 'bearer k1' }, 'k1'],
    [{ 'x-api-key': 'k2' }, 'k2'],
    [{ authorization: 'Bearer k1', 'x-api-key': 'k2' }, 'k1'],
    [{ authorization: 'Basic azE6', 'x-api-key': 'k2' }, 'k2'],
    [{ authorization: 'Basic azE6' }, undefined],
    [{ authorization: 'Bearer' }, undefined],
    [{ authorization: 'Bearer a b' }, undefined],
    [{ 'x-api-key': '' }, undefined],
    [{}, undefined],
  ])('%j → %j', (headers, key) => {
    expect(presentedApiKey(headers)).toBe(key);
  });
});
