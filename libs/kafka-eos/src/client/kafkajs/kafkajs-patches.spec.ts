import { assertKafkajsPatched } from './kafkajs-patches.js';

describe('assertKafkajsPatched', () => {
  it('accepts the installed kafkajs, patched by postinstall', () => {
    expect(() => assertKafkajsPatched()).not.toThrow();
  });
});
