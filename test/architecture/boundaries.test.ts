import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cruise, type ICruiseResult } from 'dependency-cruiser';

const require = createRequire(import.meta.url);
const config = require('../../.dependency-cruiser.cjs') as { forbidden: Array<{ name: string }>; options: Record<string, unknown> };

/**
 * One deliberately wrong import per rule, planted in a scratch tree laid out like the project: the
 * boundary check must refuse each of them, naming the rule. A right import is planted beside them
 * to show the rules do not refuse everything.
 */
const PLANTED: Array<{ rule: string; from: string; to: string }> = [
  { rule: 'domain-imports-only-domain', from: 'shared/domain/keys.ts', to: 'shared/pipeline/step.ts' },
  { rule: 'domain-has-no-io-sdk', from: 'shared/domain/job.ts', to: '@aws-sdk/client-s3' },
  { rule: 'ports-import-only-domain', from: 'shared/ports/job-store.ts', to: 'shared/adapters/supabase-job-store.ts' },
  { rule: 'ports-have-no-sdk', from: 'shared/ports/renderer.ts', to: '@remotion/lambda' },
  { rule: 'config-imports-only-domain', from: 'shared/config.ts', to: 'shared/adapters/resolve-secret.ts' },
  { rule: 'pipeline-uses-ports-not-adapters', from: 'shared/pipeline/run-ltx-step.ts', to: 'shared/adapters/s3-object-store.ts' },
  { rule: 'pipeline-has-no-sdk', from: 'shared/pipeline/sweep.ts', to: '@supabase/supabase-js' },
  { rule: 'adapters-do-not-run-steps', from: 'shared/adapters/s3-object-store.ts', to: 'shared/pipeline/step.ts' },
  { rule: 'http-uses-ports-not-adapters', from: 'shared/http/routes.ts', to: 'shared/adapters/supabase-job-store.ts' },
  { rule: 'composition-stays-in-shared', from: 'shared/composition/clients.ts', to: 'local/stack.ts' },
  { rule: 'handlers-only-compose', from: 'handlers/ltx.ts', to: 'handlers/render.ts' },
  { rule: 'only-local-and-tests-import-local', from: 'cli/main.ts', to: 'local/stack.ts' },
  { rule: 'local-supabase-stands-alone', from: 'local/supabase/rest.ts', to: 'shared/domain/keys.ts' },
  { rule: 'infra-reads-only-contracts', from: 'infra/stack.ts', to: 'shared/pipeline/step.ts' },
  { rule: 'browser-code-stays-browser', from: 'web/client/submit.ts', to: 'shared/pipeline/step.ts' },
  { rule: 'product-never-imports-tests', from: 'shared/adapters/ltx.ts', to: 'test/helpers/fake.ts' },
];
const ALLOWED = { from: 'shared/pipeline/step.ts', to: 'shared/ports/job-store.ts' };

let root: string;
let result: ICruiseResult;

function specifier(from: string, to: string): string {
  if (!to.includes('/') || to.startsWith('@')) return to;
  const up = '../'.repeat(from.split('/').length - 1);
  return `${up || './'}${to.replace(/\.ts$/, '')}`;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'boundaries-'));
  const files = new Map<string, string[]>();
  for (const { from, to } of [...PLANTED, ALLOWED]) {
    files.set(from, [...(files.get(from) ?? []), `import '${specifier(from, to)}';`]);
    if (!to.startsWith('@') && !files.has(to)) files.set(to, []);
  }
  for (const [file, lines] of files) {
    await mkdir(dirname(join(root, file)), { recursive: true });
    await writeFile(join(root, file), `${lines.join('\n')}\nexport {};\n`);
  }
  // npm packages resolve as "couldNotResolve" in the scratch tree; the rules match their names anyway.
  const { tsConfig: _ignored, ...options } = config.options as Record<string, unknown>;
  const previous = process.cwd();
  process.chdir(root);
  try {
    result = (await cruise([...files.keys()], { ...options, validate: true, ruleSet: { forbidden: config.forbidden } } as never)).output as ICruiseResult;
  } finally {
    process.chdir(previous);
  }
}, 60_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('the boundary check', () => {
  it.each(PLANTED)('refuses $from importing $to, naming the rule $rule', ({ rule, from, to }) => {
    const hit = result.summary.violations.find((v) => v.from === from && (v.to === to || v.to.startsWith(to)) && v.rule.name === rule);
    expect(hit, JSON.stringify(result.summary.violations.filter((v) => v.from === from).map((v) => `${v.rule.name}: ${v.to}`))).toBeDefined();
  });

  it('lets the pipeline import a port', () => {
    expect(result.summary.violations.filter((v) => v.from === ALLOWED.from && v.to === ALLOWED.to)).toEqual([]);
  });

  it('gives every rule a planted case, so no rule goes untested', () => {
    const planted = new Set(PLANTED.map((p) => p.rule));
    const untested = config.forbidden.map((r) => r.name).filter((name) => name !== 'no-circular' && !planted.has(name));
    expect(untested).toEqual([]);
  });
});
