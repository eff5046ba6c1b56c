import pg from 'pg';
import { PipelineFixture } from '../pipeline/pipeline-fixture.js';

/**
 * Least privilege in PostgreSQL: each service migrates as its database's owner and runs as a role
 * with DML rights alone. The whole pipeline works that way, and the runtime roles can neither
 * change the schema, nor rewrite the migrations' history, nor reach the other service's database.
 */
describe('database roles', () => {
  let fx: PipelineFixture;

  beforeAll(async () => {
    fx = await PipelineFixture.create('db-roles', { leastPrivilege: true });
    await fx.startLedger();
    await fx.startPayments();
  });
  afterAll(async () => {
    await fx?.close();
  });

  /** What PostgreSQL answers `sql` run as `url`'s role: `ok`, or the error's SQLSTATE. */
  const outcome = async (url: string, sql: string): Promise<string> => {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query(sql);
      return 'ok';
    } catch (error) {
      return (error as { code?: string }).code ?? String(error);
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  /** `url` with another database's name: the same role trying the other service's data. */
  const elsewhere = (url: string, database: string): string => {
    const other = new URL(url);
    other.pathname = `/${database}`;
    return other.toString();
  };

  it('runs the whole pipeline as the runtime roles', async () => {
    const payer = await fx.openAccount(1_000n);
    const payee = await fx.openAccount();
    const [paid] = await fx.waitForFinal([(await fx.postTransfer(payer, payee, 300n)).id]);
    expect(paid?.status).toBe('completed');
    expect([await fx.balance(payer), await fx.balance(payee)]).toEqual([700n, 300n]);
  });

  it.each([
    ['payments', 'drop table transfers'],
    ['payments', 'alter table outbox add column x int'],
    ['payments', 'create table sneaky (id int)'],
    ['payments', 'truncate transfers'],
    ['payments', "delete from migrations where name like 'Create%'"],
    ['ledger', 'drop table entries'],
    ['ledger', 'alter table accounts drop constraint accounts_no_overdraft'],
    ['ledger', 'create table sneaky (id int)'],
    ['ledger', 'update migrations set name = name'],
  ] as const)('refuses the %s runtime role: %s', async (service, sql) => {
    const roles = fx.roles?.[service];
    if (!roles) throw new Error('no roles');
    // 42501: insufficient privilege (42P01 would mean the table is not even visible).
    expect(await outcome(roles.runtimeUrl, sql)).toBe('42501');
  });

  it("refuses each runtime role a connection to the other service's database", async () => {
    const { payments, ledger } = fx.roles ?? {};
    if (!payments || !ledger) throw new Error('no roles');
    expect(await outcome(elsewhere(payments.runtimeUrl, fx.ledgerDb.name), 'select 1')).toBe(
      '42501',
    );
    expect(await outcome(elsewhere(ledger.runtimeUrl, fx.paymentsDb.name), 'select 1')).toBe(
      '42501',
    );
  });

  it('leaves the runtime roles the DML they need', async () => {
    const { payments } = fx.roles ?? {};
    if (!payments) throw new Error('no roles');
    expect(await outcome(payments.runtimeUrl, 'select count(*) from transfers')).toBe('ok');
    expect(await outcome(payments.runtimeUrl, 'delete from outbox where false')).toBe('ok');
  });
});
