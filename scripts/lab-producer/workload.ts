/** What the lab's parent and its producer processes share. */

export interface ChildConfig {
  brokers: string[];
  topic: string;
  settingId: string;
  ids: number[];
  /** The same in every process of one cell, so a restarted producer fences the one before. */
  transactionalId: string;
  /** Sends in flight at once (non-transactional settings). */
  window: number;
  /** Records per transaction (transactional setting). */
  perTransaction: number;
}

export type ChildMessage =
  | { type: 'acked'; ids: number[] }
  | { type: 'failed'; ids: number[]; error: string }
  | { type: 'done' };

/** Records carry their id as the value and one of a few keys, so order can be checked per key. */
export const KEYS = 4;
export const keyOf = (id: number): string => `k${id % KEYS}`;
