import type { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaFunctionUrl } from '@cdktf/provider-aws/lib/lambda-function-url';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { Construct } from 'constructs';
import { API_CORS } from '../shared/domain/api-cors-policy';

/**
 * The web API's address: a Lambda Function URL (no API Gateway: nothing to pay per request, and no
 * 29 s limit). Auth type NONE because the handler itself verifies the caller's Supabase JWT; CORS
 * for the configured web origins from the API's one policy (shared/domain/api-cors-policy.ts), which the local
 * stack answers by the same definition. Preflight (OPTIONS) is answered by the Function URL from
 * this configuration without invoking the function; `allow_methods` only accepts GET, PUT, HEAD,
 * POST, PATCH, DELETE or *, so OPTIONS is never listed.
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
    // Public access through the URL only. Since October 2025 a new function URL needs both
    // lambda:InvokeFunctionUrl and lambda:InvokeFunction; the second is limited to URL invocations
    // (lambda:InvokedViaFunctionUrl), so nobody can call the function through the Invoke API.
    new LambdaPermission(this, 'public-url', {
      statementId: 'FunctionURLAllowPublicAccess',
      action: 'lambda:InvokeFunctionUrl',
      functionName: props.fn.functionName,
      principal: '*',
      functionUrlAuthType: 'NONE',
    });
    const invoke = new LambdaPermission(this, 'public-url-invoke', {
      statementId: 'FunctionURLInvokeAllowPublicAccess',
      action: 'lambda:InvokeFunction',
      functionName: props.fn.functionName,
      principal: '*',
    });
    // `invoked_via_function_url` is newer than the generated provider bindings (hashicorp/aws 6.25);
    // the stack requires a provider version that knows it (see PROVIDER_VERSION in pipeline-stack.ts).
    invoke.addOverride('invoked_via_function_url', true);
  }
}
