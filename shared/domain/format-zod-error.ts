import type { z } from 'zod';
import { ValidationError } from './errors';

/**
 * Turns the first zod issue into a ValidationError whose message names the field, the rule and the
 * value received, e.g. `size must be at most 15728640 (got 20000000)`.
 */
export function toValidationError(error: z.ZodError, input: unknown): ValidationError {
  const issue = error.issues[0]!;
  const field = issue.path.length > 0 ? issue.path.join('.') : 'body';
  let received: unknown = input;
  for (const part of issue.path) {
    received = received !== null && typeof received === 'object' ? (received as Record<PropertyKey, unknown>)[part as PropertyKey] : undefined;
  }
  const shown = received === undefined ? 'nothing' : JSON.stringify(received)?.slice(0, 80);
  return new ValidationError(field, `${field}: ${issue.message} (got ${shown})`, { context: { issues: error.issues.length } });
}
