import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { epcisSchemaAsStub, type Gs1Doc, gs1Document } from './gs1-document.js';

type Json = Record<string, unknown>;

const DOC_ID = 'https://gs1.github.io/EPCIS/openapi.json';

/** Response headers GS1 declares that every answer of that kind must carry (not Link: only with a next page). */
const EXPECTED_HEADERS = [
  'allow',
  'location',
  'gs1-epcis-version',
  'gs1-epcis-min',
  'gs1-epcis-max',
  'gs1-cbv-version',
  'gs1-cbv-min',
  'gs1-cbv-max',
  'gs1-epc-format',
  'gs1-cbv-xml-format',
  'gs1-extensions',
  'gs1-vendor-version',
  'gs1-epcis-capture-limit',
  'gs1-epcis-capture-file-size-limit',
  'gs1-capture-error-behaviour',
];

/** Every internal `$ref` made absolute, so a fragment of the document compiles on its own. */
function absoluteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(absoluteRefs);
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node as Json).map(([k, v]) => [
      k,
      k === '$ref' && typeof v === 'string' && v.startsWith('#') ? `${DOC_ID}${v}` : absoluteRefs(v),
    ]),
  );
}

/**
 * A client's view of a node as GS1's document describes it: every check counts, every way the
 * node's answer differs from the document is a deviation.
 */
export class Conformance {
  readonly doc: Gs1Doc;
  readonly deviations: string[] = [];
  checks = 0;
  private readonly ajv: Ajv;
  private readonly validators = new Map<unknown, ValidateFunction>();

  constructor() {
    this.doc = absoluteRefs(gs1Document()) as Gs1Doc;
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    addFormats.default(this.ajv);
    this.ajv.addSchema({ ...this.doc, $id: DOC_ID } as Json);
    this.ajv.addSchema(epcisSchemaAsStub());
  }

  /** One named check: the issues it returns are its deviations. */
  async check(name: string, run: () => Promise<string[]> | string[]): Promise<void> {
    this.checks++;
    let issues: string[];
    try {
      issues = await run();
    } catch (err) {
      issues = [`threw ${(err as Error).message}`];
    }
    for (const issue of issues) this.deviations.push(`${name}: ${issue}`);
  }

  private resolve(obj: Json): Json {
    const ref = obj.$ref;
    if (typeof ref !== 'string') return obj;
    let node: unknown = this.doc;
    for (const key of ref.slice(ref.indexOf('#') + 2).split('/')) node = (node as Json)[key];
    return this.resolve(node as Json);
  }

  private validator(schema: unknown): ValidateFunction {
    let v = this.validators.get(schema);
    if (!v) {
      v = this.ajv.compile(schema as Json);
      this.validators.set(schema, v);
    }
    return v;
  }

  /**
   * How `res` (with its already-read body) differs from what GS1 declares for `method template`:
   * an undeclared status, a declared header missing, a media type not declared, a body not
   * matching the declared schema. `application/ld+json` is JSON (RFC 6839) where GS1 declares
   * `application/json`.
   */
  response(method: string, template: string, res: Response, body: unknown): string[] {
    const op = this.doc.paths[template]?.[method.toLowerCase()] as Json | undefined;
    if (!op) return [`GS1 declares no ${method} ${template}`];
    const responses = op.responses as Record<string, Json>;
    const declared = responses[String(res.status)] ?? responses.default;
    if (!declared) {
      return [
        `${method} ${template} answered ${res.status}, GS1 declares ${Object.keys(responses).join(', ')}`,
      ];
    }
    const out: string[] = [];
    const response = this.resolve(declared);
    for (const name of Object.keys((response.headers as Json | undefined) ?? {})) {
      if (EXPECTED_HEADERS.includes(name.toLowerCase()) && !res.headers.has(name))
        out.push(`${res.status} without the ${name} header`);
    }
    const content = response.content as Record<string, Json> | undefined;
    if (!content || res.status === 204) return out;
    const media = (res.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
    const key =
      media in content
        ? media
        : media === 'application/ld+json' && 'application/json' in content
          ? 'application/json'
          : undefined;
    if (!key)
      return [
        ...out,
        `${res.status} as ${media || 'no content type'}, GS1 declares ${Object.keys(content).join(', ')}`,
      ];
    const schema = content[key]?.schema;
    if (!schema || !key.endsWith('json')) return out;
    const validate = this.validator(schema);
    if (!validate(body)) {
      const errors = (validate.errors ?? []).slice(0, 3).map((e) => `${e.instancePath || '/'} ${e.message}`);
      out.push(`${res.status} body does not match GS1's schema: ${errors.join('; ')}`);
    }
    return out;
  }
}
