import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketCorsConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-cors-configuration';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketNotification } from '@cdktf/provider-aws/lib/s3-bucket-notification';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { Construct } from 'constructs';
import { pipelineBucketCorsRules } from '../shared/domain/bucket-cors';
import { IMAGES_PREFIX, LTX_VIDEOS_PREFIX } from '../shared/domain/event-patterns';

export interface PipelineBucketProps {
  namePrefix: string;
  allowedOrigins: string[];
  /** Origin of the Remotion site's page, which fetches the clip (presigned GET) while rendering. */
  remotionSiteOrigin: string;
  ltxVideosExpirationDays: number;
  imagesExpirationDays: number;
  rendersTieringDays: number;
}

/**
 * The one pipeline bucket (images/, ltx-videos/, renders/, thumbnails/): private, every object event
 * sent to EventBridge, browser uploads allowed from the configured origins only.
 */
export class PipelineBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly publicAccessBlock: S3BucketPublicAccessBlock;

  constructor(scope: Construct, id: string, props: PipelineBucketProps) {
    super(scope, id);
    // bucket_prefix: names are global; Terraform appends a unique suffix (the prefix may be 37 characters).
    this.bucket = new S3Bucket(this, 'bucket', { bucketPrefix: `${props.namePrefix}-media-` });
    const bucket = this.bucket.id;

    // ACLs off: access is decided by policies only (Remotion writes with privacy "no-acl").
    new S3BucketOwnershipControls(this, 'ownership', { bucket, rule: { objectOwnership: 'BucketOwnerEnforced' } });
    this.publicAccessBlock = new S3BucketPublicAccessBlock(this, 'public-access-block', {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    // SSE-S3 rather than SSE-KMS: CloudFront's origin access control and Remotion's role can read and
    // write without a key policy, and there is no per-request KMS charge.
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
    });
    // Every object event goes to the default EventBridge bus; the rules pick Object Created by prefix.
    new S3BucketNotification(this, 'eventbridge', { bucket, eventbridge: true });
    // The rules are declared once (shared/domain/bucket-cors.ts); the local S3 answers the same ones.
    new S3BucketCorsConfiguration(this, 'cors', {
      bucket,
      corsRule: pipelineBucketCorsRules({ uploadOrigins: props.allowedOrigins, renderPageOrigins: [props.remotionSiteOrigin] }),
    });
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket,
      rule: [
        {
          // An upload the browser abandoned halfway still costs storage until aborted.
          id: 'abort-incomplete-multipart-uploads',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        },
        {
          // The base clips are intermediate: the render is the deliverable.
          id: 'expire-ltx-videos',
          status: 'Enabled',
          filter: [{ prefix: LTX_VIDEOS_PREFIX }],
          expiration: [{ days: props.ltxVideosExpirationDays }],
        },
        {
          // Source photos: needed for a replay, then only storage cost.
          id: 'expire-images',
          status: 'Enabled',
          filter: [{ prefix: IMAGES_PREFIX }],
          expiration: [{ days: props.imagesExpirationDays }],
        },
        {
          // Finished videos are watched in their first weeks; Intelligent-Tiering then moves each to the
          // cheaper access tiers by itself while its URL and latency stay the same.
          id: 'tier-renders',
          status: 'Enabled',
          filter: [{ prefix: 'renders/' }],
          transition: [{ days: props.rendersTieringDays, storageClass: 'INTELLIGENT_TIERING' }],
        },
      ],
    });
  }
}
