/**
 * A dead letter's reason with its per-record details replaced by placeholders, so that one cause
 * is one group: UUIDs, ISO timestamps, long hex strings (trace ids, hashes) and numbers.
 * Numbers inside words stay (`v1`, `utf8`): they name things rather than count them.
 */
export function normaliseReason(reason: string | undefined): string {
  if (reason === undefined) return '(no dlq-reason header)';
  return reason
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>')
    .replace(/\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?/g, '<time>')
    .replace(/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{16,}\b/gi, '<hex>')
    .replace(/(?<![\w.])-?\d+(\.\d+)?(?![\w.])/g, '<n>')
    .replace(/\s+/g, ' ')
    .trim();
}
