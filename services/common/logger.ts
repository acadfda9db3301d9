import { pino } from 'pino';

export type Logger = pino.Logger;

/** Paths whose values never reach a log line: bearer tokens and key material. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'headers.authorization',
  'authorization',
  'token',
  'seed',
  'privateJwk',
  '*.privateJwk',
];

export function createLogger(level: string, base: Record<string, unknown> = {}): Logger {
  return pino({ level, base, redact: { paths: REDACT_PATHS, censor: '[redacted]' } });
}
