import { Ajv, type ValidateFunction } from 'ajv';
import { diagnostic, type Diagnostic } from '../../diagnostics/index.js';
import type { Span } from '../../source/index.js';

/**
 * Validates emitted objects against the JSON Schemas in targets/<backend>/ (R4 of issue 3), so a malformed
 * object is an SP2002 diagnostic and never printed as success. One Ajv instance, schemas compiled once.
 */
const ajv = new Ajv({ allErrors: true, strict: false });
const compiled = new Map<string, ValidateFunction>();

export function schemaValidator(key: string, schema: object): ValidateFunction {
  let v = compiled.get(key);
  if (!v) {
    v = ajv.compile(schema);
    compiled.set(key, v);
  }
  return v;
}

export function validateObject(validate: ValidateFunction, object: unknown, kind: string, name: string, span: Span): Diagnostic[] {
  if (validate(object)) return [];
  const detail = (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ');
  return [diagnostic('SP2002', span, { kind, name, detail })];
}
