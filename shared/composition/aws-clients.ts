import { S3Client } from '@aws-sdk/client-s3';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { PipelineConfig } from '../config';

/**
 * Where an AWS client talks to. In AWS: the region only (endpoint and credentials from the Lambda
 * environment). On the local stack: also the stack's endpoint and its static credentials. Nothing
 * else may differ between the two, so a request that passes locally is the request AWS receives.
 */
export interface AwsTarget {
  region: string;
  endpoint?: string | undefined;
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
}

/** The static credentials of the configuration (the local stack's keys), if any. */
export function staticCredentials(config: PipelineConfig): AwsTarget['credentials'] {
  const { accessKeyId, secretAccessKey } = config.s3;
  return accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined;
}

function common(target: AwsTarget) {
  return {
    region: target.region,
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    ...(target.credentials ? { credentials: target.credentials } : {}),
  };
}

/**
 * S3, the same everywhere. Checksums only where an operation requires one (WHEN_REQUIRED), in AWS
 * too: with the SDK's default (WHEN_SUPPORTED, since 3.729) a presigned PUT gets
 * `x-amz-checksum-crc32` of the empty body it had at signing time, which S3-compatible stores refuse
 * and AWS documents as unsupported on presigned URLs (aws-sdk-js-v3 #6810, #6994); streamed uploads
 * get aws-chunked trailers. S3 still checks the signed Content-Length and, with UNSIGNED-PAYLOAD, TLS
 * protects the bytes in transit. Path-style addressing only for a custom endpoint (no bucket DNS).
 */
export function createS3Client(target: AwsTarget): S3Client {
  return new S3Client({
    ...common(target),
    forcePathStyle: Boolean(target.endpoint),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export function createEventBridgeClient(target: AwsTarget): EventBridgeClient {
  return new EventBridgeClient(common(target));
}

/** SQS over its JSON protocol; the client checks the MD5 of every message body it receives. */
export function createSqsClient(target: AwsTarget): SQSClient {
  return new SQSClient(common(target));
}
