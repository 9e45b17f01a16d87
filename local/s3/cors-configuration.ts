const escapeXml = (text: string): string => text.replace(/[<>&]/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[ch] as string);

/**
 * The bucket's CORS rule for the web page: it PUTs photos with a presigned URL (content-type and
 * x-amz-meta-* headers), reads the ETag back, and GETs videos and posters.
 */
export function corsConfigurationXml(origins: string[]): string {
  const allowedOrigins = origins.map((origin) => `<AllowedOrigin>${escapeXml(origin)}</AllowedOrigin>`).join('');
  const methods = ['GET', 'HEAD', 'PUT', 'POST'].map((method) => `<AllowedMethod>${method}</AllowedMethod>`).join('');
  const exposed = ['ETag', 'x-amz-request-id', 'x-amz-version-id', 'Content-Length', 'Content-Type'].map((h) => `<ExposeHeader>${h}</ExposeHeader>`).join('');
  return `<CORSConfiguration><CORSRule>${allowedOrigins}${methods}<AllowedHeader>*</AllowedHeader>${exposed}<MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule></CORSConfiguration>`;
}
