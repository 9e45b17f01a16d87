import type { PolicyStatement } from './iam';

/**
 * Secrets live in SSM Parameter Store as SecureString parameters that the operator creates
 * (docs/deploy.md gives the `aws ssm put-parameter` commands; `npm run deploy:check` says which are
 * missing). The stack only knows their NAMES: it never reads a value, so none reaches the Terraform
 * state or the synthesized JSON. Each function is granted the parameters it reads, and nothing else.
 *
 * No plan-time lookup of the KMS key: a `data "aws_kms_alias" "alias/aws/ssm"` fails the plan of an
 * account that has never stored a SecureString. Decryption is granted on any key of the account but
 * only through SSM and only for these parameters (SSM puts the parameter's ARN in the encryption
 * context), which covers the AWS managed key and a customer managed one alike.
 */
export class SecretParameters {
  constructor(private readonly env: { partition: string; region: string; accountId: string }) {}

  /** The ARN of a parameter given its name (which starts with "/"). */
  parameterArn(name: string): string {
    return `arn:${this.env.partition}:ssm:${this.env.region}:${this.env.accountId}:parameter${name}`;
  }

  /** Read access to exactly these parameters, and decryption of them through SSM only. */
  readStatements(names: string[]): PolicyStatement[] {
    const arns = names.map((n) => this.parameterArn(n));
    return [
      { sid: 'ReadOwnSecrets', effect: 'Allow', actions: ['ssm:GetParameter'], resources: arns },
      {
        sid: 'DecryptOwnSecrets',
        effect: 'Allow',
        actions: ['kms:Decrypt'],
        resources: [`arn:${this.env.partition}:kms:${this.env.region}:${this.env.accountId}:key/*`],
        condition: [
          { test: 'StringEquals', variable: 'kms:ViaService', values: [`ssm.${this.env.region}.amazonaws.com`] },
          { test: 'StringEquals', variable: 'kms:EncryptionContext:PARAMETER_ARN', values: arns },
        ],
      },
    ];
  }
}
