import { z } from 'zod';
import { jobOptionsInputSchema, LIMITS, type JobOptionsInput } from './job-options';
import { IMAGE_EXTENSIONS, type ImageContentType } from './keys';
import { MAX_IMAGE_BYTES } from './image-check';
import { toValidationError } from './format-zod-error';
import { ValidationError } from './errors';

export const UPLOAD_CONTENT_TYPES = Object.keys(IMAGE_EXTENSIONS) as ImageContentType[];

const uploadRequestSchema = jobOptionsInputSchema.extend({
  filename: z
    .string()
    .min(1, 'must not be empty')
    .max(LIMITS.filenameMaxLength)
    // Control characters have no place in a file name and would end up in logs and metadata.
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must not contain control characters'),
  contentType: z.enum(UPLOAD_CONTENT_TYPES as [ImageContentType, ...ImageContentType[]], { message: 'must be image/jpeg, image/png or image/webp' }),
  size: z.number().int('must be a whole number of bytes').min(1, 'must be at least 1 byte').max(MAX_IMAGE_BYTES, `must be at most ${MAX_IMAGE_BYTES} bytes (15 MB)`),
}).strict();

export interface UploadRequest {
  filename: string;
  contentType: ImageContentType;
  size: number;
  options: JobOptionsInput;
}

const EXTENSION_TYPES: Record<string, ImageContentType> = { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' };

/** Validates `POST /uploads`'s JSON body (already parsed, still `unknown`). */
export function parseUploadRequest(body: unknown): UploadRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ValidationError('body', 'body must be a JSON object');
  }
  const parsed = uploadRequestSchema.safeParse(body);
  if (!parsed.success) throw toValidationError(parsed.error, body);
  const { filename, contentType, size, ...options } = parsed.data;
  // The name is never used in the key (keys are built from ids), but a name that contradicts the
  // declared type is a client bug worth reporting.
  const ext = /\.([A-Za-z0-9]+)$/.exec(filename)?.[1]?.toLowerCase();
  const typeOfName = ext ? EXTENSION_TYPES[ext] : undefined;
  if (typeOfName && typeOfName !== contentType) {
    throw new ValidationError('filename', `filename: its extension .${ext} does not match contentType ${contentType}`);
  }
  return { filename, contentType, size, options };
}

/** The answer to `POST /uploads`: where and how the browser PUTs the photo. */
export interface UploadTicket {
  jobId: string;
  key: string;
  uploadUrl: string;
  method: 'PUT';
  headers: Record<string, string>;
  expiresAt: string;
}
