import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { verifySigV4 } from '../s3/verify-sigv4';

/** An error of an AWS JSON-protocol service, as the SDK reads it (`__type`, `message`, HTTP status). */
export interface AwsJsonError {
  type: string;
  message: string;
  status: number;
}

/**
 * SigV4 for the local stand-ins of AWS's JSON services (EventBridge `events`, SQS `sqs`): the request
 * must be header-signed for that service with the stack's credentials, over the exact body bytes.
 * The refusals are the ones these services answer (their front end's exception names and messages);
 * the SDK surfaces them by `__type`.
 */
export function authenticateJsonRequest(
  req: { method: string; url: string; headers: IncomingHttpHeaders },
  body: Buffer,
  credentials: { accessKeyId: string; secretAccessKey: string },
  service: 'events' | 'sqs',
  now: number = Date.now(),
): AwsJsonError | null {
  if (typeof req.headers.authorization !== 'string' || req.headers.authorization === '') {
    return { type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token', status: 400 };
  }
  const bodySha256 = createHash('sha256').update(body).digest('hex');
  const refusal = verifySigV4(req, credentials, now, { service, bodySha256 });
  if (!refusal) return null;
  switch (refusal.code) {
    case 'InvalidAccessKeyId':
      return { type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.', status: 400 };
    case 'SignatureDoesNotMatch':
      return {
        type: 'InvalidSignatureException',
        message: 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
        status: 400,
      };
    case 'RequestTimeTooSkewed':
      return { type: 'InvalidSignatureException', message: 'Signature expired: the request time is too far from the current time (15 minutes).', status: 400 };
    case 'AccessDenied':
      return { type: 'AccessDeniedException', message: refusal.message, status: 400 };
    default:
      return { type: 'IncompleteSignatureException', message: refusal.message, status: 400 };
  }
}
