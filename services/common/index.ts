export {
  canonicalBytes,
  canonicalText,
  Domain,
  fromHex,
  hashOf,
  sha256,
  sha256Hex,
  signingBytes,
  toHex,
} from './encoding.js';
export { DomainError, ErrorCode, WaybillError } from './errors.js';
export { HmacSha256 } from './hmac.js';
export { tooDeep, tooDeepError } from './json-depth.js';
export { sameCanonical, sameJsonText } from './json-equal.js';
export { nonFinite } from './json-finite.js';
export { createLogger, type Logger, REDACT_PATHS } from './logger.js';
export { type RateLimit, RateLimiter } from './rate-limiter.js';
