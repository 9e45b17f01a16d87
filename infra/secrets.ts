import { DataAwsKmsAlias } from '@cdktf/provider-aws/lib/data-aws-kms-alias';
import { Construct } from 'constructs';
import type { PolicyStatement } from './iam';

/**
 * Secrets live in SSM Parameter Store as SecureString parameters that the operator creates
 * (docs/deploy.md gives the `aws ssm put-parameter` commands). The stack only knows their NAMES: it
 * never reads a value, so none reaches the Terraform state or the synthesized JSON. Each function is
 * granted the parameters it reads, and nothing else.
 */
export class SecretParameters extends Construct {
  private readonly ssmKey: DataAwsKmsAlias;
  constructor(scope: Construct, id: string, private readonly env: { partition: string; region: string; accountId: string }) {
    super(scope, id);
    // SecureString parameters encrypted with the AWS managed key. The alias exists once the account
    // has stored its first SecureString: the operator creates the parameters before deploying.
    this.ssmKey = new DataAwsKmsAlias(this, 'ssm-key', { name: 'alias/aws/ssm' });
  }

  /** The ARN of a parameter given its name (which starts with "/"). */
  parameterArn(name: string): string {
    return `arn:${this.env.partition}:ssm:${this.env.region}:${this.env.accountId}:parameter${name}`;
  }

  /** Read access to exactly these parameters, and decryption through SSM only. */
  readStatements(names: string[]): PolicyStatement[] {
    return [
      { sid: 'ReadOwnSecrets', effect: 'Allow', actions: ['ssm:GetParameter'], resources: names.map((n) => this.parameterArn(n)) },
      {
        sid: 'DecryptOwnSecrets',
        effect: 'Allow',
        actions: ['kms:Decrypt'],
        resources: [this.ssmKey.targetKeyArn],
        condition: [{ test: 'StringEquals', variable: 'kms:ViaService', values: [`ssm.${this.env.region}.amazonaws.com`] }],
      },
    ];
  }
}
