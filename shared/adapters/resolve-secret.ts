import { SSMClient, GetParameterCommand } from '@aws-sdk/client-ssm';
import type { SecretRef } from '../config';
import { ConfigError } from '../domain/errors';

const cache = new Map<string, Promise<string>>();

/**
 * Resolves a secret to its value. SSM reads happen once per parameter per process (a Lambda cold
 * start), never per request; the value is never logged.
 */
export function resolveSecret(ref: SecretRef, region: string, client: Pick<SSMClient, 'send'> = new SSMClient({ region })): Promise<string> {
  if ('value' in ref) return Promise.resolve(ref.value);
  const cached = cache.get(ref.ssmParameter);
  if (cached) return cached;
  const pending = client
    .send(new GetParameterCommand({ Name: ref.ssmParameter, WithDecryption: true }))
    .then((out) => {
      const value = out.Parameter?.Value;
      if (!value) throw new ConfigError(`SSM parameter ${ref.ssmParameter} is empty or missing`);
      return value;
    });
  // A failed read must not poison the cache: the next invocation tries again.
  pending.catch(() => cache.delete(ref.ssmParameter));
  cache.set(ref.ssmParameter, pending);
  return pending;
}
