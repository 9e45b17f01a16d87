import type { z } from 'zod';
import { ValidationError } from './errors';
import { showValue } from './show-value';

/**
 * Turns the first zod issue into a ValidationError whose message names the field, the rule and the
 * value received, e.g. `size must be at most 15728640 (got 20000000)`.
 */
export function toValidationError(error: z.ZodError, input: unknown, root?: string): ValidationError {
  const issue = error.issues[0]!;
  const path = [...(root === undefined ? [] : [root]), ...issue.path.map(String)];
  const field = path.length > 0 ? path.join('.') : 'body';
  let received: unknown = input;
  for (const part of issue.path) {
    received = received !== null && typeof received === 'object' ? (received as Record<PropertyKey, unknown>)[part as PropertyKey] : undefined;
  }
  const shown = received === undefined ? 'nothing' : showValue(received);
  return new ValidationError(field, `${field}: ${issue.message} (got ${shown})`, { context: { issues: error.issues.length } });
}

/** Every issue on one line, `FIELD: RULE; FIELD: RULE` (configuration files and variables, where all problems are worth fixing at once). */
export function describeZodIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
}
