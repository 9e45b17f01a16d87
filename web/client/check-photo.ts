import { ValidationError } from '../../shared/domain/errors';
import { checkImage, sniffImageType } from '../../shared/domain/image-check';
import type { JobOptionsInput } from '../../shared/domain/job-options';
import { parseUploadRequest, type UploadRequest } from '../../shared/domain/upload-request';

/** A photo as the browser gives it (a `File`), or any Blob with a name. */
export type PhotoFile = Blob & { name?: string };

/**
 * The checks the pipeline would make, run before any request with the pipeline's own code, so a
 * refusal reads exactly as the server's would: first what `POST /uploads` checks (type, size up to
 * 15 MB, options), then what the LTX step checks in the stored bytes (a JPEG, PNG or WebP whatever
 * the name or the browser's guess says). The type sent is the one the bytes show.
 */
export async function checkPhoto(file: PhotoFile, options: JobOptionsInput): Promise<UploadRequest> {
  const head = new Uint8Array(await file.slice(0, 16).arrayBuffer());
  const sniffed = sniffImageType(head);
  const filename = file.name || `photo.${(sniffed ?? 'image/jpeg').slice('image/'.length).replace('jpeg', 'jpg')}`;
  const request = parseUploadRequest({ filename, contentType: sniffed ?? file.type, size: file.size, ...withoutEmpty(options) });
  checkImage(file.size, head);
  return request;
}

/** A form's empty fields mean "use the default", as an absent field does for the endpoint. */
function withoutEmpty(options: JobOptionsInput): Record<string, unknown> {
  if (options === null || typeof options !== 'object') throw new ValidationError('options', 'options must be an object');
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined && v !== null && v !== ''));
}
