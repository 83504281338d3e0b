// SHA-256 of package files, with the Web Crypto API that Node and browsers (in secure contexts) share.

import { BackendError } from '../../ir/errors.js';

/** Lowercase hex SHA-256 of the bytes. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const subtle = (globalThis as { crypto?: Crypto }).crypto?.subtle;
  if (!subtle) {
    throw new BackendError('crypto.subtle is not available, so the package files cannot be checked: browsers offer it only in secure contexts (https:// or http://localhost)');
  }
  const digest = await subtle.digest('SHA-256', bytes as unknown as ArrayBuffer);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
