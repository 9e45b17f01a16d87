import { ValidationError } from '../../shared/errors';
import { checkImage } from '../../shared/image-check';
import type { JobOptionsInput } from '../../shared/job-options';
import { parseUploadRequest, type UploadRequest } from '../../shared/upload-request';

/** A photo as the browser gives it (a `File`), or any Blob with a name. */
export type PhotoFile = Blob & { name?: string };

/**
 * The checks the pipeline would make, run before any request, with the pipeline's own code and
 * therefore its exact messages: the bytes must be a JPEG, PNG or WebP of at most 15 MB (whatever the
 * name or the browser's guess says), and the request must be one `POST /uploads` accepts.
 */
export async function checkPhoto(file: PhotoFile, options: JobOptionsInput): Promise<UploadRequest> {
  const head = new Uint8Array(await file.slice(0, 16).arrayBuffer());
  const contentType = checkImage(file.size, head);
  const filename = file.name || `photo.${contentType.slice('image/'.length).replace('jpeg', 'jpg')}`;
  const body: Record<string, unknown> = { filename, contentType, size: file.size, ...withoutEmpty(options) };
  return parseUploadRequest(body);
}

/** A form's empty fields mean "use the default", as an absent field does for the endpoint. */
function withoutEmpty(options: JobOptionsInput): Record<string, unknown> {
  if (options === null || typeof options !== 'object') throw new ValidationError('options', 'options must be an object');
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined && v !== null && v !== ''));
}
