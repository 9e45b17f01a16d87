import { S3ServiceException } from '@aws-sdk/client-s3';

/** The S3 error a request was refused with (its code and HTTP status); throws if it succeeded. */
export async function s3ErrorOf(promise: Promise<unknown>): Promise<{ name: string; status: number | undefined }> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof S3ServiceException) return { name: err.name, status: err.$metadata.httpStatusCode };
    throw err;
  }
  throw new Error('expected the request to fail');
}
