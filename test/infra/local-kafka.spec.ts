import { storageFormatArgs } from './local-kafka.js';

describe('storageFormatArgs', () => {
  it('keeps a cluster id that starts with "-" attached to its option', () => {
    const args = storageFormatArgs('-WbDxInxdlcm1WsJC9kLmA', '/tmp/node-1.properties');
    expect(args).toContain('--cluster-id=-WbDxInxdlcm1WsJC9kLmA');
    expect(args).not.toContain('-WbDxInxdlcm1WsJC9kLmA');
  });
});
