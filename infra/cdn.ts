import { CloudfrontDistribution, type CloudfrontDistributionOrderedCacheBehavior } from '@cdktf/provider-aws/lib/cloudfront-distribution';
import { CloudfrontOriginAccessControl } from '@cdktf/provider-aws/lib/cloudfront-origin-access-control';
import type { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { Construct } from 'constructs';
import type { PolicyStatement } from './iam';
import { objectsUnder } from './iam';

/** The prefixes the CDN serves: the deliverables, nothing else (no photos, no base clips). */
export const CDN_PREFIXES = ['renders/', 'thumbnails/'] as const;
/** AWS managed cache policy "CachingOptimized": the objects never change under a key. */
const CACHING_OPTIMIZED_POLICY_ID = '658327ea-f89d-4fab-a63d-7e88639e58f6';
const ORIGIN_ID = 'pipeline-bucket';

/**
 * CloudFront in front of renders/ and thumbnails/, reading the private bucket through origin access
 * control (SigV4-signed requests). Its URLs (`https://<domain>/renders/...`) go into generated_videos.
 */
export class MediaCdn extends Construct {
  readonly distribution: CloudfrontDistribution;

  constructor(scope: Construct, id: string, props: { namePrefix: string; bucket: S3Bucket; priceClass: string }) {
    super(scope, id);
    const oac = new CloudfrontOriginAccessControl(this, 'oac', {
      name: `${props.namePrefix}-media`,
      description: 'CloudFront reads renders/ and thumbnails/ of the pipeline bucket',
      originAccessControlOriginType: 's3',
      signingBehavior: 'always',
      signingProtocol: 'sigv4',
    });
    const behaviour = {
      targetOriginId: ORIGIN_ID,
      viewerProtocolPolicy: 'redirect-to-https',
      allowedMethods: ['GET', 'HEAD'],
      cachedMethods: ['GET', 'HEAD'],
      cachePolicyId: CACHING_OPTIMIZED_POLICY_ID,
      compress: false,
    };
    const ordered: CloudfrontDistributionOrderedCacheBehavior[] = CDN_PREFIXES.map((prefix) => ({ ...behaviour, pathPattern: `${prefix}*` }));
    this.distribution = new CloudfrontDistribution(this, 'distribution', {
      enabled: true,
      comment: `${props.namePrefix} renders and thumbnails`,
      priceClass: props.priceClass,
      httpVersion: 'http2and3',
      origin: [{ originId: ORIGIN_ID, domainName: props.bucket.bucketRegionalDomainName, originAccessControlId: oac.id }],
      orderedCacheBehavior: ordered,
      // CloudFront requires a default behaviour; it points at the same origin, but the bucket policy
      // lets the distribution read renders/* and thumbnails/* only, so any other path answers 403.
      defaultCacheBehavior: behaviour,
      restrictions: { geoRestriction: { restrictionType: 'none' } },
      viewerCertificate: { cloudfrontDefaultCertificate: true },
    });
  }

  /** The bucket policy statement letting this distribution (and no other) read the served prefixes. */
  readStatement(bucketArn: string): PolicyStatement {
    return {
      sid: 'CloudFrontReadsDeliverables',
      effect: 'Allow',
      principals: [{ type: 'Service', identifiers: ['cloudfront.amazonaws.com'] }],
      actions: ['s3:GetObject'],
      resources: CDN_PREFIXES.map((p) => objectsUnder(bucketArn, p)),
      condition: [{ test: 'StringEquals', variable: 'AWS:SourceArn', values: [this.distribution.arn] }],
    };
  }
}
