import type { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaFunctionUrl } from '@cdktf/provider-aws/lib/lambda-function-url';
import { Construct } from 'constructs';
import { API_CORS } from '../shared/domain/api-cors-policy';

/**
 * The statement ids the AWS provider itself adds to the function's policy when it creates a Function
 * URL with authorization type NONE: `FunctionURLAllowPublicAccess` (lambda:InvokeFunctionUrl) and,
 * since hashicorp/aws 6.29, `FunctionURLAllowInvokeAction` (lambda:InvokeFunction limited to calls
 * through the URL, AWS's rule for URLs created since October 2025). The stack must not declare
 * `aws_lambda_permission`s with these ids: both would run AddPermission in parallel and the second
 * fails with ResourceConflictException, on the first apply and every one after it.
 */
export const PROVIDER_ADDED_URL_STATEMENTS = ['FunctionURLAllowPublicAccess', 'FunctionURLAllowInvokeAction'] as const;

/**
 * The web API's address: a Lambda Function URL (no API Gateway: nothing to pay per request, and no
 * 29 s limit). Auth type NONE because the handler itself verifies the caller's Supabase JWT; CORS
 * for the configured web origins from the API's one policy (shared/domain/api-cors-policy.ts), which the local
 * stack answers by the same definition. Preflight (OPTIONS) is answered by the Function URL from
 * this configuration without invoking the function; `allow_methods` only accepts GET, PUT, HEAD,
 * POST, PATCH, DELETE or *, so OPTIONS is never listed.
 *
 * Public access: the provider adds both grants the URL needs (PROVIDER_ADDED_URL_STATEMENTS), which
 * is why the stack requires hashicorp/aws >= 6.29 (PROVIDER_VERSION in pipeline-stack.ts).
 */
export class ApiUrl extends Construct {
  readonly url: LambdaFunctionUrl;

  constructor(scope: Construct, id: string, props: { fn: LambdaFunction; allowedOrigins: string[] }) {
    super(scope, id);
    this.url = new LambdaFunctionUrl(this, 'url', {
      functionName: props.fn.functionName,
      authorizationType: 'NONE',
      cors: {
        allowOrigins: props.allowedOrigins,
        allowMethods: [...API_CORS.allowMethods],
        allowHeaders: [...API_CORS.allowHeaders],
        maxAge: API_CORS.maxAgeSeconds,
      },
    });
  }
}
