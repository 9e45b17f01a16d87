import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Verifies a browser-form POST upload (S3 "POST Object" with a SigV4-signed policy), which s3rver
 * accepts unchecked: the signature over the base64 policy, its expiry, and every condition
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html).
 */

export interface PostPolicyRefusal {
  status: number;
  code: string;
  message: string;
}

const refuse = (code: string, message: string, status = 403): PostPolicyRefusal => ({ status, code, message });

function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const kDate = createHmac('sha256', `AWS4${secret}`).update(date).digest();
  const kRegion = createHmac('sha256', kDate).update(region).digest();
  const kService = createHmac('sha256', kRegion).update(service).digest();
  return createHmac('sha256', kService).update('aws4_request').digest();
}

/** Field names compared as S3 does: case-insensitively, `$` stripped. */
const norm = (name: string): string => name.replace(/^\$/, '').toLowerCase();

export function verifyPostPolicy(
  fields: Map<string, string>,
  fileSize: number,
  bucket: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
  now: Date = new Date(),
): PostPolicyRefusal | null {
  const get = (name: string): string | undefined => fields.get(name.toLowerCase());
  const policyB64 = get('policy');
  const algorithm = get('x-amz-algorithm');
  const credential = get('x-amz-credential');
  const signature = get('x-amz-signature');
  if (!policyB64 || !signature || !credential) return refuse('AccessDenied', 'Access Denied: anonymous POST uploads are not allowed; sign a policy with SigV4.');
  if (algorithm !== 'AWS4-HMAC-SHA256') return refuse('InvalidRequest', 'Please use AWS4-HMAC-SHA256.', 400);
  const [accessKeyId, date, region, service, terminator] = credential.split('/');
  if (accessKeyId !== credentials.accessKeyId) return refuse('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
  if (!date || !region || service !== 's3' || terminator !== 'aws4_request') return refuse('AuthorizationQueryParametersError', `x-amz-credential is malformed: ${credential}`, 400);
  const expected = createHmac('sha256', signingKey(credentials.secretAccessKey, date, region, service)).update(policyB64).digest();
  const provided = Buffer.from(signature, 'hex');
  if (provided.length !== expected.length || !timingSafeEqual(provided, expected)) {
    return refuse('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
  }

  let policy: { expiration?: unknown; conditions?: unknown };
  try {
    policy = JSON.parse(Buffer.from(policyB64, 'base64').toString('utf8')) as typeof policy;
  } catch {
    return refuse('InvalidPolicyDocument', 'Invalid Policy: Invalid JSON.', 400);
  }
  if (typeof policy.expiration !== 'string' || Number.isNaN(Date.parse(policy.expiration))) return refuse('InvalidPolicyDocument', 'Invalid Policy: Policy missing expiration.', 400);
  if (Date.parse(policy.expiration) < now.getTime()) return refuse('AccessDenied', 'Invalid according to Policy: Policy expired.');
  if (!Array.isArray(policy.conditions)) return refuse('InvalidPolicyDocument', 'Invalid Policy: Policy missing conditions.', 400);

  const values = new Map<string, string>([...fields].map(([name, value]) => [norm(name), value]));
  values.set('bucket', bucket);
  const covered = new Set<string>(['bucket']);
  for (const condition of policy.conditions as unknown[]) {
    if (Array.isArray(condition)) {
      const [op, field, arg] = condition as [unknown, unknown, unknown];
      if (op === 'content-length-range') {
        if (typeof field !== 'number' || typeof arg !== 'number') return refuse('InvalidPolicyDocument', 'Invalid Policy: content-length-range needs two numbers.', 400);
        if (fileSize < field) return refuse('EntityTooSmall', `Your proposed upload is smaller than the minimum allowed size (${fileSize} < ${field}).`, 400);
        if (fileSize > arg) return refuse('EntityTooLarge', `Your proposed upload exceeds the maximum allowed size (${fileSize} > ${arg}).`, 400);
        continue;
      }
      if (typeof field !== 'string' || typeof arg !== 'string' || (op !== 'eq' && op !== 'starts-with')) {
        return refuse('InvalidPolicyDocument', `Invalid Policy: unsupported condition ${JSON.stringify(condition)}.`, 400);
      }
      const name = norm(field);
      covered.add(name);
      const value = values.get(name) ?? '';
      if (op === 'eq' ? value !== arg : !value.startsWith(arg)) {
        return refuse('AccessDenied', `Invalid according to Policy: Policy Condition failed: ${JSON.stringify(condition)}`);
      }
    } else if (typeof condition === 'object' && condition !== null) {
      for (const [field, expectedValue] of Object.entries(condition)) {
        const name = norm(field);
        covered.add(name);
        if (values.get(name) !== String(expectedValue)) {
          return refuse('AccessDenied', `Invalid according to Policy: Policy Condition failed: ${JSON.stringify({ [field]: expectedValue })}`);
        }
      }
    }
  }
  // Every form field except these must be named by a condition.
  const exempt = new Set(['policy', 'x-amz-signature', 'file']);
  for (const name of values.keys()) {
    if (exempt.has(name) || name.startsWith('x-ignore-') || covered.has(name)) continue;
    // The signing fields themselves must be in the policy too, as S3 requires.
    return refuse('AccessDenied', `Invalid according to Policy: Extra input fields: ${name}`);
  }
  return null;
}
