/**
 * The pipeline bucket's CORS rules, one declaration for both places that answer them: in AWS the
 * bucket's CORS configuration (infra/bucket.ts), locally the object store (local/s3/cors-configuration.ts).
 * S3 answers a browser with the first rule whose origins AND methods match, so a fetch the bucket
 * refuses in AWS (a GET from the web page, a PUT from an origin not listed) is refused locally too.
 */

/** The methods S3 accepts in a CORS rule. */
export type BucketCorsMethod = 'GET' | 'PUT' | 'POST' | 'DELETE' | 'HEAD';

/** One S3 CORS rule; origins may hold one `*` wildcard each (S3's syntax, e.g. `http://localhost:*`). */
export interface BucketCorsRule {
  allowedMethods: BucketCorsMethod[];
  allowedOrigins: string[];
  allowedHeaders: string[];
  exposeHeaders: string[];
  maxAgeSeconds: number;
}

export interface PipelineBucketCorsOrigins {
  /** Pages that upload photos (the deployment's allowed origins, the same list as the API's CORS). */
  uploadOrigins: string[];
  /** Pages that render the template (the Remotion site; locally the renderer's own page). */
  renderPageOrigins: string[];
}

export function pipelineBucketCorsRules({ uploadOrigins, renderPageOrigins }: PipelineBucketCorsOrigins): BucketCorsRule[] {
  return [
    {
      // The browser PUTs the photo to a presigned URL; metadata headers (x-amz-meta-*) ride along.
      allowedMethods: ['PUT'],
      allowedOrigins: uploadOrigins,
      allowedHeaders: ['*'],
      exposeHeaders: ['ETag'],
      maxAgeSeconds: 3600,
    },
    {
      // The template draws the clip with @remotion/media's <Video>, which fetches it from the page
      // (byte ranges, WebCodecs): on Lambda the page is the Remotion site in its own bucket, so the
      // clip's presigned GET must answer CORS for that origin or the render fails. The web page never
      // reads the bucket: it plays media from the CDN (PUBLIC_MEDIA_BASE_URL), so it gets no GET rule.
      allowedMethods: ['GET', 'HEAD'],
      allowedOrigins: renderPageOrigins,
      allowedHeaders: ['Range'],
      exposeHeaders: ['Content-Length', 'Content-Range', 'Accept-Ranges', 'ETag'],
      maxAgeSeconds: 3600,
    },
  ];
}
