import { createHmac, timingSafeEqual } from 'node:crypto';

const prefix = 'sha256=';

/**
 * Checks GitHub's `X-Hub-Signature-256` header against the HMAC-SHA256 of the
 * raw body, in constant time. Works on bytes, so a body that is not valid UTF-8
 * is checked as sent.
 */
export function isValidSignature(secret: string, body: Buffer, header: string | undefined): boolean {
  if (!header || !header.startsWith(prefix)) {
    return false;
  }
  const received = Buffer.from(header.slice(prefix.length), 'hex');
  const expected = createHmac('sha256', secret).update(body).digest();
  return received.length === expected.length && timingSafeEqual(received, expected);
}
