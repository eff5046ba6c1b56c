import { dependencyOutage, isDependencyUnavailable } from './dependency-errors.js';

const withCode = (code: string, message = `error ${code}`) =>
  Object.assign(new Error(message), { code });

describe('isDependencyUnavailable', () => {
  it.each([
    ['08006', 'connection_failure'],
    ['08001', 'sqlclient_unable_to_establish_sqlconnection'],
    ['53300', 'too_many_connections'],
    ['53100', 'disk_full'],
    ['53200', 'out_of_memory'],
    ['57P01', 'admin_shutdown'],
    ['57P02', 'crash_shutdown'],
    ['57P03', 'cannot_connect_now'],
    ['57014', 'query_canceled (statement_timeout)'],
    ['25006', 'read_only_sql_transaction'],
    ['25P03', 'idle_in_transaction_session_timeout'],
    ['57P05', 'idle_session_timeout'],
    ['40001', 'serialization_failure'],
    ['40P01', 'deadlock_detected'],
    ['55P03', 'lock_not_available'],
    ['ECONNREFUSED', 'connection refused'],
    ['ECONNRESET', 'connection reset'],
    ['ETIMEDOUT', 'timed out'],
    ['EHOSTUNREACH', 'host unreachable'],
    ['EPIPE', 'broken pipe'],
  ])('waits out %s (%s)', (code) => {
    expect(isDependencyUnavailable(withCode(code))).toBe(true);
  });

  it.each([
    ['23505', 'unique_violation'],
    ['23514', 'check_violation'],
    ['22003', 'numeric_value_out_of_range'],
    ['42P01', 'undefined_table'],
    ['57P04', 'database_dropped'],
    ['XX000', 'internal_error'],
  ])('does not wait out %s (%s): it would fail the same way again', (code) => {
    expect(isDependencyUnavailable(withCode(code))).toBe(false);
  });

  it('recognises node-postgres messages for a lost connection', () => {
    expect(isDependencyUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDependencyUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(
      true,
    );
  });

  it("looks through TypeORM's driverError and through causes", () => {
    const typeorm = Object.assign(new Error('QueryFailedError'), {
      driverError: withCode('25006'),
    });
    expect(dependencyOutage(typeorm)).toBe('SQLSTATE 25006');
    const wrapped = new Error('batch failed', { cause: withCode('53300') });
    expect(dependencyOutage(wrapped)).toBe('SQLSTATE 53300');
  });

  it('is not fooled by plain errors or non-errors', () => {
    expect(isDependencyUnavailable(new Error('not a TransferRequested v1'))).toBe(false);
    expect(isDependencyUnavailable('ECONNRESET')).toBe(false);
    expect(isDependencyUnavailable(undefined)).toBe(false);
  });
});
