/**
 * Any UUID version (and the nil UUID), either case: account ids come from other systems.
 * Both cases are spelled out rather than flagged `i`: the pattern is also the OpenAPI one,
 * and JSON Schema patterns have no flags.
 */
export const UUID_PATTERN =
  /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}
