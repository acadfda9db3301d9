import type { CheckName } from './checks.js';
import type { ProofBlock } from './types.js';

/** A failed check; verifyProof turns it into the result's failure. */
export class CheckFailed extends Error {
  constructor(
    readonly check: CheckName,
    message: string,
  ) {
    super(message);
    this.name = 'CheckFailed';
  }
}

export function fail(check: CheckName, message: string): never {
  throw new CheckFailed(check, message);
}

/** Throws the check's failure when there is a problem. */
export function need(check: CheckName, problem: string | undefined): void {
  if (problem !== undefined) fail(check, problem);
}

/** What a kind's checks get once the genesis file, the format and the certified block are checked. */
export interface VerifyContext {
  network: string;
  /** Genesis member node keys by org id. */
  members: ReadonlyMap<string, Uint8Array>;
  /** The block, its hash and certificate already verified. */
  block: ProofBlock;
  /** Records a passed check, with what it established in words. */
  pass(check: CheckName, detail: string): void;
}

/** One kind of proof: what it adds to the common fields, and how its claim is checked. */
export interface ProofKind {
  /** The first problem with the kind's own fields, or undefined. */
  shapeProblem(proof: Record<string, unknown>): string | undefined;
  /** Runs the kind's checks in order; throws CheckFailed at the first failure. */
  verify(proof: Record<string, unknown>, ctx: VerifyContext): void;
}
