/**
 * A value as an error message quotes it: JSON, cut to `max` characters, so a message names what was
 * received without echoing a whole payload.
 */
export function showValue(value: unknown, max = 80): string {
  if (value === undefined) return 'undefined';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}
