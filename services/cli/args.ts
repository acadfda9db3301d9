import { parseArgs } from 'node:util';
import { ErrorCode, WaybillError } from '../common/index.js';

type Options = Record<string, { type: 'string' | 'boolean'; default?: string }>;

/** Strict flag parsing (node:util): unknown flags are errors, as operators script against these. */
export function flags(
  args: string[],
  options: Options,
  required: string[] = [],
): Record<string, string | undefined> {
  const { values } = parseArgs({ args, options, strict: true, allowPositionals: false });
  for (const name of required) {
    if (typeof values[name] !== 'string' || values[name] === '') {
      throw new WaybillError(ErrorCode.BadRequest, `--${name} is required`);
    }
  }
  return values as Record<string, string | undefined>;
}
