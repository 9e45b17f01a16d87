import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { PipelineStack, type PipelineStackProps } from '../../infra/pipeline-stack';

/** The synthesized Terraform JSON, loosely typed: the tests read it the way Terraform would. */
export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Statement {
  sid?: string;
  effect: string;
  actions: string[];
  resources?: string[];
  principals?: Array<{ type: string; identifiers: string[] }>;
  condition?: Array<{ test: string; variable: string; values: string[] }>;
}

/** Synthesizes the stack with a one-line stand-in bundle per handler (bundling has its own test). */
export function synthStack(props: Omit<PipelineStackProps, 'bundle'> = {}): { json: Json; text: string } {
  const dir = mkdtempSync(join(tmpdir(), 'villa-bundle-'));
  writeFileSync(join(dir, 'index.mjs'), 'export const handler = async () => ({});\n');
  const app = Testing.app();
  const stack = new PipelineStack(app, 'test', { bundle: () => dir, ...props });
  const text = Testing.synth(stack);
  return { json: JSON.parse(text) as Json, text };
}

/** `${aws_x.name.attr}` for a resource of the given type. */
export function ref(type: string, name: string, attr: string): string {
  return `\${${type}.${name}.${attr}}`;
}

export function resources(json: Json, type: string): Array<[string, Json]> {
  return Object.entries((json.resource?.[type] ?? {}) as Record<string, Json>);
}

export function only(json: Json, type: string): [string, Json] {
  const all = resources(json, type);
  if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`);
  return all[0]!;
}

/** A resource of `type` whose `field` equals `value`. */
export function find(json: Json, type: string, predicate: (r: Json) => boolean): [string, Json] {
  const hit = resources(json, type).find(([, r]) => predicate(r));
  if (!hit) throw new Error(`no ${type} matches`);
  return hit;
}

/** The Lambda function named `${var.name_prefix}-<handler>`. */
export function lambda(json: Json, handler: string): [string, Json] {
  return find(json, 'aws_lambda_function', (r) => r.function_name === `\${var.name_prefix}-${handler}`);
}

/** The statements of the inline policy on the function's role. */
export function functionStatements(json: Json, handler: string): Statement[] {
  const [, fn] = lambda(json, handler);
  const roleName = /^\$\{aws_iam_role\.([^.]+)\.arn\}$/.exec(fn.role)![1]!;
  const [, policy] = find(json, 'aws_iam_role_policy', (r) => r.role === ref('aws_iam_role', roleName, 'id'));
  return policyStatements(json, policy.policy);
}

/** The statements of `${data.aws_iam_policy_document.X.json}`. */
export function policyStatements(json: Json, docRef: string): Statement[] {
  const name = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(docRef)![1]!;
  return json.data.aws_iam_policy_document[name].statement as Statement[];
}

/** A variable's default: what an installation gets unless it says otherwise. */
export function defaultOf(json: Json, expression: string): unknown {
  const name = /^\$\{var\.([a-z0-9_]+)\}$/.exec(expression)?.[1];
  if (!name) throw new Error(`${expression} is not a variable reference`);
  return json.variable[name].default;
}
