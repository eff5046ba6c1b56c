import { isValidTraceparent, newTraceparent, traceparentFor } from './traceparent.js';

const VALID = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('traceparent', () => {
  it.each([VALID, '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00'])(
    'accepts %s',
    (value) => {
      expect(isValidTraceparent(value)).toBe(true);
    },
  );

  it.each([
    '',
    '01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', // unknown version
    'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', // forbidden version
    '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01', // upper case
    '00-00000000000000000000000000000000-00f067aa0ba902b7-01', // all-zero trace id
    '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01', // all-zero parent id
    '00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01', // short trace id
    '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1',
    `${VALID}-extra`,
    ` ${VALID}`,
  ])('rejects %j', (value) => {
    expect(isValidTraceparent(value)).toBe(false);
  });

  it('generates valid, distinct trace contexts', () => {
    const a = newTraceparent();
    const b = newTraceparent();
    expect(isValidTraceparent(a)).toBe(true);
    expect(a.slice(3, 35)).not.toBe(b.slice(3, 35));
  });

  it("keeps the caller's valid header and replaces a missing or invalid one", () => {
    expect(traceparentFor(VALID)).toBe(VALID);
    for (const header of [undefined, 'garbage', [VALID, VALID]]) {
      const generated = traceparentFor(header);
      expect(isValidTraceparent(generated)).toBe(true);
      expect(generated).not.toBe(VALID);
    }
  });
});
