import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'cdktf';
import { bundleHandler } from './infra/bundle';
import { PipelineStack } from './infra/pipeline-stack';
import { stateBackendFromEnv } from './infra/state-backend';

/**
 * `npm run synth`: bundles each handler with esbuild and writes the Terraform JSON to cdktf.out/.
 * Deploy with `npm run deploy` (cdktf deploy), or with terraform/tofu in cdktf.out/stacks/villa-video-pipeline.
 */
const root = dirname(fileURLToPath(import.meta.url));
const app = new App();
const stackId = 'villa-video-pipeline';
new PipelineStack(app, stackId, {
  // TF_STATE_BUCKET (and TF_STATE_KEY, TF_STATE_REGION, TF_STATE_LOCK_TABLE): docs/deploy.md.
  stateBackend: stateBackendFromEnv(process.env, stackId),
  bundle: (handler) =>
    bundleHandler({
      entry: join(root, 'handlers', `${handler}.ts`),
      outDir: join(root, 'node_modules', '.cache', 'villa-video-lambda', handler),
      root,
    }).dir,
});
app.synth();
