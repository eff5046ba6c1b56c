import { z } from 'zod';
import { decodeCursor } from './page-cursor.js';

/* Query parameters the listings share, each refused by name when invalid. */

/** A query parameter given once (`?a=1&a=2` and `?a[]=1` make arrays, or other names). */
const once = (otherwise: string) =>
  z.string({
    error: (issue) => (Array.isArray(issue.input) ? 'must be given once' : otherwise),
  });

/** Digits only, compared as text first: "1e3", " 5", "0x10" and 20-digit numbers are refused. */
export const wholeNumber = (min: number, max: number) => {
  const message = `must be a whole number from ${min} to ${max}`;
  return once(message)
    .regex(/^[0-9]{1,10}$/, { message, abort: true })
    .transform(Number)
    .refine((n) => n >= min && n <= max, message);
};

/** `cursor`: the `nextCursor` of an earlier page, decoded; anything else is refused. */
export const cursorParam = () =>
  once('must be a nextCursor from an earlier page')
    .transform((value, context) => {
      const cursor = decodeCursor(value);
      if (cursor) return cursor;
      context.addIssue({ code: 'custom', message: 'must be a nextCursor from an earlier page' });
      return z.NEVER;
    })
    .optional()
    .meta({ description: 'The `nextCursor` of the previous page; the first page without it' });
