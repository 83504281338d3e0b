// Usage errors: the command line asked for something that cannot be (exit code 2); the message says what to write instead.

import { VmapcError } from '../ir/errors.js';

export class UsageError extends VmapcError {}

/** The exit codes of every vmapc command. */
export const EXIT = { ok: 0, error: 1, usage: 2 } as const;
