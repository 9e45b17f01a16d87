// Types for the parts of @20minutes/s3rver (plain CommonJS, no bundled types) that the local object store uses.
declare module '@20minutes/s3rver' {
  import type { EventEmitter } from 'node:events';
  import type { IncomingMessage, ServerResponse } from 'node:http';

  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory?: string;
    resetOnClose?: boolean;
    allowMismatchedSignatures?: boolean;
    vhostBuckets?: boolean;
    configureBuckets?: Array<{ name: string; configs?: Array<string | Buffer> }>;
  }

  interface S3rverStore {
    getMetadata(bucket: string, key: string): Promise<Record<string, string | number> & { etag: string; 'content-length': number }>;
  }

  class S3rver extends EventEmitter {
    constructor(options?: S3rverOptions);
    store: S3rverStore;
    /** Koa's context prototype: s3rver's controllers reach the store as `ctx.store`. */
    context: { store: S3rverStore };
    silent: boolean;
    logger: { close(): void; exceptions: { unhandle(): void } };
    configureBuckets(): Promise<void>;
    callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  }
  export default S3rver;
}

declare module '@20minutes/s3rver/lib/models/account.js' {
  class AWSAccount {
    constructor(accountId: number | string, displayName: string);
    createKeyPair(accessKeyId: string, secretAccessKey: string): void;
    revokeAccessKey(accessKeyId: string): void;
    static registry: Map<string, AWSAccount>;
  }
  export default AWSAccount;
}

declare module '@20minutes/s3rver/lib/stores/filesystem.js' {
  class FilesystemStore {
    constructor(rootDirectory: string);
    readonly rootDirectory: string;
    getBucketPath(bucket: string): string;
    getBucket(bucket: string): Promise<unknown>;
    putBucket(bucket: string): Promise<unknown>;
    getResourcePath(bucket: string, key: string | undefined, resource: string): string;
    getMetadata(bucket: string, key: string): Promise<Record<string, string | number> & { etag: string; 'content-length': number }>;
    copyObject(srcBucket: string, srcKey: string, destBucket: string, destKey: string, replacementMetadata: unknown): Promise<unknown>;
    getObject(bucket: string, key: string, options?: unknown): Promise<unknown>;
  }
  export default FilesystemStore;
}

declare module '@20minutes/s3rver/lib/models/error.js' {
  class S3Error extends Error {
    constructor(code: string, message: string, detail?: Record<string, string>);
    readonly code: string;
    readonly status: number;
  }
  export default S3Error;
}

declare module '@20minutes/s3rver/lib/models/config.js' {
  interface S3CorsRule {
    hasWildcardOrigin: boolean;
    allowedOrigins: RegExp[];
    allowedMethods: string[];
    allowedHeaders: RegExp[];
    exposeHeaders: string[];
    maxAgeSeconds: number | undefined;
  }
  /** s3rver's parsed CORS configuration: the same object its CORS middleware matches requests with. */
  class S3CorsConfiguration {
    /** Parses and checks the XML as PutBucketCors does (methods, one wildcard per origin); throws an S3Error. */
    static validate(xml: string): S3CorsConfiguration;
    readonly rules: S3CorsRule[];
    /** The first rule allowing this origin and method, as S3 evaluates them. */
    matchRule(origin: string, method: string): S3CorsRule | undefined;
  }
  export { S3CorsConfiguration, type S3CorsRule };
}
