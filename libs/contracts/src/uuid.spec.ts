import { isUuid } from './uuid.js';

describe('isUuid', () => {
  it.each([
    '3f2504e0-4f89-41d3-9a0c-0305e82c3301', // v4
    '3F2504E0-4F89-11D3-9A0C-0305E82C3301', // v1, upper case
    '01890a5d-ac96-774b-bcce-b302099a8057', // v7
    '00000000-0000-0000-0000-000000000000', // nil
  ])('accepts %s', (value) => {
    expect(isUuid(value)).toBe(true);
  });

  it.each([
    '',
    'acc-1',
    '3f2504e04f8941d39a0c0305e82c3301',
    '{3f2504e0-4f89-41d3-9a0c-0305e82c3301}',
    'urn:uuid:3f2504e0-4f89-41d3-9a0c-0305e82c3301',
    '3f2504e0-4f89-41d3-9a0c-0305e82c330',
    '3f2504e0-4f89-41d3-9a0c-0305e82c3301 ',
    'gf2504e0-4f89-41d3-9a0c-0305e82c3301',
  ])('rejects %j', (value) => {
    expect(isUuid(value)).toBe(false);
  });
});
