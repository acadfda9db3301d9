import { Environment } from '@marcbachmann/cel-js';

/**
 * A member's standing right to see events in full as their recipient (issue 14, scope 3): a genesis
 * entry, or a grant activated by governance (POST /governance/grants, chain/member-book.ts).
 */
export interface AuditorGrant {
  /** Member org id the grant is given to. */
  org: string;
  role: 'auditor';
  /** CEL over the event's public view (variables: GRANT_SCOPE_VARIABLES); absent = every event. */
  scope?: string;
  /** RFC 3339 instant; the grant covers blocks whose timestamp is before it. Absent = no end. */
  until?: string;
}

/** Where grants come from: genesis, then governance (MemberBook). `height` is the block being executed. */
export interface GrantReader {
  grantsAt(height: number): readonly AuditorGrant[];
}

/** The grants written in genesis, the same at every height. */
export class GenesisGrants implements GrantReader {
  constructor(private readonly grants: readonly AuditorGrant[]) {}

  grantsAt(): readonly AuditorGrant[] {
    return this.grants;
  }
}

/**
 * The variables a grant's scope may read: the public view only, so the scope means the same on
 * every node whether or not it holds the sealed fields. Same CEL dialect as the custody rules
 * (`type` is CEL's own function: the event type is `event.type`).
 */
export const GRANT_SCOPE_VARIABLES: Record<string, string> = {
  event: 'map',
  org: 'string',
  step: 'string',
  disposition: 'string',
  action: 'string',
};

type ScopeProgram = (context: Record<string, unknown>) => unknown;

/** A grant ready to evaluate: its scope compiled, its end as ms since the epoch. */
export interface CompiledGrant {
  org: string;
  scope?: ScopeProgram;
  untilMs?: number;
}

/** A grant that cannot be used, with what is wrong with it. */
export class GrantError extends Error {
  constructor(
    readonly index: number,
    message: string,
  ) {
    super(`grants[${index}]: ${message}`);
    this.name = 'GrantError';
  }
}

let environment: Environment | undefined;
function scopeEnvironment(): Environment {
  if (!environment) {
    environment = new Environment({ enableOptionalTypes: true });
    for (const [name, type] of Object.entries(GRANT_SCOPE_VARIABLES))
      environment.registerVariable(name, type);
  }
  return environment;
}

/** RFC 3339 date-time with an explicit offset (Date.parse alone also takes forms RFC 3339 does not). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Compiles grants, or throws a GrantError naming the first one that is not usable. */
export function compileGrants(
  grants: readonly AuditorGrant[],
  members: ReadonlySet<string>,
): CompiledGrant[] {
  return grants.map((grant, i) => {
    if (!members.has(grant.org)) throw new GrantError(i, `org ${grant.org} is not a member`);
    if (grant.role !== 'auditor') throw new GrantError(i, `role ${String(grant.role)} is not auditor`);
    const out: CompiledGrant = { org: grant.org };
    if (grant.until !== undefined) {
      const ms = RFC3339.test(grant.until) ? Date.parse(grant.until) : Number.NaN;
      if (!Number.isFinite(ms)) throw new GrantError(i, `until ${grant.until} is not an RFC 3339 date-time`);
      out.untilMs = ms;
    }
    if (grant.scope !== undefined) {
      let program: ReturnType<Environment['parse']>;
      try {
        program = scopeEnvironment().parse(grant.scope);
      } catch (err) {
        throw new GrantError(i, `scope: CEL: ${firstLine(err)}`);
      }
      const checked = program.check();
      if (!checked.valid) throw new GrantError(i, `scope: CEL: ${firstLine(checked.error)}`);
      if (checked.type !== 'bool' && checked.type !== 'dyn')
        throw new GrantError(i, `scope: CEL expression must be bool, is ${checked.type}`);
      out.scope = program as unknown as ScopeProgram;
    }
    return out;
  });
}

const firstLine = (err: unknown) => String((err as Error)?.message ?? err).split('\n')[0];
