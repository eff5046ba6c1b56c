export { PreparedStatement } from './prepared-statement.js';
