import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Construct } from 'constructs';

/** The ARN of the objects under one prefix of a bucket (`prefix` ends with `/`). */
export function objectsUnder(bucketArn: string, prefix: string): string {
  return `${bucketArn}/${prefix}*`;
}

export type PolicyStatement = DataAwsIamPolicyDocumentStatement;

/** A policy document from statements (Terraform renders the JSON). */
export function policyDocument(scope: Construct, id: string, statements: PolicyStatement[]): DataAwsIamPolicyDocument {
  return new DataAwsIamPolicyDocument(scope, id, { statement: statements });
}

/**
 * A Lambda execution role with one inline policy holding exactly the given statements: no managed
 * policies (AWSLambdaBasicExecutionRole would allow writing to every log group).
 */
export class LambdaRole extends Construct {
  readonly role: IamRole;
  constructor(scope: Construct, id: string, props: { name: string; statements: PolicyStatement[] }) {
    super(scope, id);
    const assume = policyDocument(this, 'assume', [
      { effect: 'Allow', actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['lambda.amazonaws.com'] }] },
    ]);
    this.role = new IamRole(this, 'role', { name: props.name, assumeRolePolicy: assume.json });
    new IamRolePolicy(this, 'policy', { name: 'least-privilege', role: this.role.id, policy: policyDocument(this, 'doc', props.statements).json });
  }
}
