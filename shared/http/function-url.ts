/**
 * The slice of the Lambda Function URL (payload format 2.0) event and response the upload endpoint
 * uses. The local stack's HTTP server builds the same event, so the handler cannot tell them apart.
 */
export interface FunctionUrlEvent {
  version?: string;
  rawPath: string;
  rawQueryString?: string;
  headers: Record<string, string | undefined>;
  body?: string;
  isBase64Encoded?: boolean;
  requestContext: { http: { method: string; path: string; sourceIp?: string }; requestId?: string };
}

export interface FunctionUrlResult {
  statusCode: number;
  headers?: Record<string, string>;
  body?: string;
}
