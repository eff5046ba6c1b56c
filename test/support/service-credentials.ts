import { randomBytes } from 'node:crypto';

/**
 * The token the tests' ledgers expect and their payments present (`LEDGER_API_TOKEN`), new in
 * every test process: nothing a test runs with is a constant someone could copy.
 */
export const LEDGER_TEST_TOKEN = `ledger-test-${randomBytes(24).toString('base64url')}`;

/** An operator's key for `/admin/...` (`ADMIN_API_KEYS`). */
export const TEST_ADMIN = 'test-operator';
export const TEST_ADMIN_KEY = `admin-test-${randomBytes(24).toString('base64url')}`;

/** `Authorization` for the ledger's internal API. */
export const ledgerAuthorization = { authorization: `Bearer ${LEDGER_TEST_TOKEN}` };
