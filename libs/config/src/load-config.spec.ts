import { z } from 'zod';
import { ConfigError, loadConfig } from './load-config.js';
import { kafkaBrokersSchema, portSchema } from './common-schemas.js';

const schema = z.object({
  PORT: portSchema.default(3000),
  KAFKA_BROKERS: kafkaBrokersSchema.default(['127.0.0.1:9092']),
});

describe('loadConfig', () => {
  it('applies documented defaults', () => {
    expect(loadConfig(schema, {})).toEqual({ PORT: 3000, KAFKA_BROKERS: ['127.0.0.1:9092'] });
  });

  it('parses values', () => {
    expect(loadConfig(schema, { PORT: '8080', KAFKA_BROKERS: 'a:1,b:2' })).toEqual({
      PORT: 8080,
      KAFKA_BROKERS: ['a:1', 'b:2'],
    });
  });

  it('lists every invalid variable in one error', () => {
    const load = () => loadConfig(schema, { PORT: 'eighty', KAFKA_BROKERS: 'nohostport' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/PORT: .*\n.*KAFKA_BROKERS: expected host:port/);
  });
});
