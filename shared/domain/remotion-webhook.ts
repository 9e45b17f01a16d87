import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { AuthError, ValidationError } from './errors';
import { describeZodIssues } from './format-zod-error';

/**
 * Remotion Lambda's webhook (remotion.dev/docs/lambda/webhooks): a POST with a JSON body, signed in
 * `X-Remotion-Signature: sha512=<hex HMAC-SHA512 of the body with the secret>` (or
 * `NO_SECRET_PROVIDED`), status in `X-Remotion-Status`. Remotion signs the exact JSON it sends, so the
 * signature is checked on the raw bytes before anything is parsed. The local renderer signs its
 * reports with `signRemotionWebhook`, so one route and one check serve AWS and the laptop alike.
 */
export const REMOTION_SIGNATURE_HEADER = 'x-remotion-signature';
export const REMOTION_WEBHOOK_PATH = '/webhooks/remotion';

export function signRemotionWebhook(rawBody: string, secret: string): string {
  return `sha512=${createHmac('sha512', secret).update(rawBody).digest('hex')}`;
}

/** Throws AuthError unless `signature` is Remotion's HMAC of `rawBody` with one of `secrets` (several during a rotation). */
export function verifyRemotionWebhook(rawBody: string, signature: string | undefined, secrets: readonly string[]): void {
  if (!signature || signature === 'NO_SECRET_PROVIDED') throw new AuthError('the webhook is not signed (no X-Remotion-Signature)');
  const given = Buffer.from(signature);
  const ok = secrets.some((secret) => {
    const expected = Buffer.from(signRemotionWebhook(rawBody, secret));
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  if (!ok) throw new AuthError('the webhook signature does not match');
}

/** What the pipeline puts in `customData` (Remotion allows 1,024 bytes) and reads back. */
export const renderCustomDataSchema = z.object({ jobId: z.uuid(), format: z.string().min(1).max(40) });
export type RenderCustomData = z.infer<typeof renderCustomDataSchema>;

const common = {
  renderId: z.string().min(1).max(200),
  bucketName: z.string().min(1),
  expectedBucketOwner: z.string().nullable().optional(),
  customData: renderCustomDataSchema,
};
const errorItem = z.object({ message: z.string(), name: z.string().optional(), stack: z.string().optional() }).loose();
export const remotionWebhookSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('success'),
      ...common,
      outputFile: z.string().nullable().optional(),
      outputUrl: z.string().nullable().optional(),
      timeToFinish: z.number().nullable().optional(),
      costs: z.object({ estimatedCost: z.number(), currency: z.string().optional() }).loose().optional(),
      lambdaErrors: z.array(z.unknown()).optional(),
    })
    .loose(),
  z.object({ type: z.literal('error'), ...common, errors: z.array(errorItem) }).loose(),
  z.object({ type: z.literal('timeout'), ...common }).loose(),
]);
export type RemotionWebhook = z.infer<typeof remotionWebhookSchema>;

/** Verifies, then parses: a forged body is refused before its content is looked at. */
export function readRemotionWebhook(rawBody: string, signature: string | undefined, secrets: readonly string[]): RemotionWebhook {
  verifyRemotionWebhook(rawBody, signature, secrets);
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    throw new ValidationError('body', 'the webhook body is not JSON');
  }
  const parsed = remotionWebhookSchema.safeParse(json);
  if (!parsed.success) throw new ValidationError('body', `not a Remotion webhook for this pipeline: ${describeZodIssues(parsed.error)}`);
  return parsed.data;
}
