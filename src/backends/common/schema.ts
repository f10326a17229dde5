import { diagnostic, type Diagnostic } from '../../diagnostics/index.js';
import type { Span } from '../../source/index.js';

/**
 * Validates emitted objects against the JSON Schemas in targets/<backend>/ (R4 of issue 3), so a malformed
 * object is an SP2002 diagnostic and never printed as success. The validators are Ajv's standalone code,
 * generated ahead of time into src/backends/<backend>/validators.generated.ts (see standalone.ts).
 */
export interface SchemaValidator {
  (data: unknown): boolean;
  errors?: readonly { readonly instancePath?: string; readonly message?: string }[] | null;
}

/** A generated validator, typed (the generated module is not type-checked). */
export function schemaValidator(validate: unknown): SchemaValidator {
  if (typeof validate !== 'function') throw new Error('invariant: a generated schema validator is missing (run npm run generate)');
  return validate as SchemaValidator;
}

export function validateObject(validate: SchemaValidator, object: unknown, kind: string, name: string, span: Span): Diagnostic[] {
  if (validate(object)) return [];
  const detail = (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ');
  return [diagnostic('SP2002', span, { kind, name, detail })];
}
