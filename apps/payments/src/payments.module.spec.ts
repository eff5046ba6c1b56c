import { Test } from '@nestjs/testing';
import type { INestApplication } from '@nestjs/common';
import { PaymentsModule } from './payments.module.js';

describe('PaymentsModule', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [PaymentsModule] }).compile();
    app = moduleRef.createNestApplication();
    await app.listen(0);
  });
  afterAll(() => app.close());

  it('boots and answers liveness', async () => {
    const response = await fetch(`${await app.getUrl()}/health/live`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });
});
