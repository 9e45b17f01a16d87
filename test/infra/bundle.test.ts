import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUNDLE_BUDGET_BYTES, bundleHandler, forbiddenInputs, LAMBDA_HANDLERS } from '../../infra/bundle';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outDir = (name: string) => mkdtempSync(join(tmpdir(), `villa-${name}-`));

describe('bundleHandler', () => {
  it('bundles a handler into one ESM file that Node loads and whose handler runs', async () => {
    const result = bundleHandler({ entry: join(root, 'test/infra/fixtures/tiny-handler.ts'), outDir: outDir('tiny'), root });
    expect(result.file.endsWith('index.mjs')).toBe(true);
    expect(result.inputs).toEqual(['test/infra/fixtures/tiny-handler.ts']);
    expect(result.bytes).toBeLessThan(2_000);
    const mod = (await import(pathToFileURL(result.file).href)) as { handler: (e: unknown) => Promise<{ statusCode: number; body: string }> };
    await expect(mod.handler({ a: 1 })).resolves.toMatchObject({ statusCode: 200, body: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('names what must never be in a Lambda bundle', () => {
    expect(
      forbiddenInputs([
        'node_modules/@remotion/renderer/dist/index.js',
        'node_modules/@remotion/bundler/dist/index.js',
        'node_modules/@remotion/compositor-linux-x64-gnu/index.js',
        'node_modules/playwright-core/lib/index.js',
        'node_modules/vitest/dist/index.js',
        'test/helpers/events.ts',
        'local/s3/server.ts',
        'shared/domain/keys.ts',
        'node_modules/@remotion/lambda-client/dist/esm/index.mjs',
      ]),
    ).toEqual([
      'node_modules/@remotion/renderer/dist/index.js',
      'node_modules/@remotion/bundler/dist/index.js',
      'node_modules/@remotion/compositor-linux-x64-gnu/index.js',
      'node_modules/playwright-core/lib/index.js',
      'node_modules/vitest/dist/index.js',
      'test/helpers/events.ts',
      'local/s3/server.ts',
    ]);
  });
});

// The real handlers (handlers/*.ts). Each must stay within its stated budget and free of the local
// renderer, browsers and test code.
describe.each(LAMBDA_HANDLERS.filter((h) => existsSync(join(root, 'handlers', `${h}.ts`))))('handlers/%s.ts', (handler) => {
  const result = bundleHandler({ entry: join(root, 'handlers', `${handler}.ts`), outDir: outDir(handler), root });

  it(`fits the budget of ${BUNDLE_BUDGET_BYTES[handler].toLocaleString('en')} bytes`, () => {
    expect(result.bytes).toBeGreaterThan(0);
    expect(result.bytes).toBeLessThanOrEqual(BUNDLE_BUDGET_BYTES[handler]);
  });

  it('contains no renderer, bundler, browser or test code', () => {
    expect(forbiddenInputs(result.inputs)).toEqual([]);
    expect(result.inputs).toContain(`handlers/${handler}.ts`);
  });

  it('loads in plain Node as an ES module and exports handler', () => {
    // A separate Node process, as Lambda loads it: no test runner transforms in between.
    const script = `const m = await import(${JSON.stringify(pathToFileURL(result.file).href)}); process.stdout.write(typeof m.handler);`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    expect(out).toBe('function');
  });
});
