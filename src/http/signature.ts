import { createHmac, timingSafeEqual } from 'node:crypto';

// Buffer.from(hex) stops quietly at the first character that is not hex, so the
// header's form is checked whole before decoding: 64 hex digits and nothing more.
const headerForm = /^sha256=([0-9a-fA-F]{64})$/;

/**
 * Checks GitHub's `X-Hub-Signature-256` header against the HMAC-SHA256 of the
 * raw body, in constant time. Works on bytes, so a body that is not valid UTF-8
 * is checked as sent. A header with anything beyond `sha256=` and the 64 hex
 * digits of the digest is refused.
 */
export function isValidSignature(secret: string, body: Buffer, header: string | undefined): boolean {
  const match = headerForm.exec(header ?? '');
  if (!match) {
    return false;
  }
  const received = Buffer.from(match[1]!, 'hex');
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(received, expected);
}
