/**
 * Deploys what Remotion Lambda needs, matching the installed @remotion/* version:
 *   1. Remotion's bucket in the region (getOrCreateBucket: one per region, `remotionlambda-...`),
 *   2. the site: the template in remotion/ bundled and uploaded under sites/<site-name>/ (its serve URL),
 *   3. the render function (deployFunction), named by Remotion after version, memory, disk and timeout.
 * Prints the serve URL and function name to pass to the stack (remotion_serve_url, remotion_function_name).
 *
 *   npm run deploy:remotion -- [--region us-east-1] [--site-name myhost-bizmate-video]
 *
 * AWS credentials: Remotion reads REMOTION_AWS_ACCESS_KEY_ID/REMOTION_AWS_SECRET_ACCESS_KEY, or the
 * usual AWS_* variables / profile. The role `remotion-lambda-role` must exist (docs/deploy.md, step 3).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundle } from '@remotion/bundler';
import { deployFunction, deploySiteFromBundle, getOrCreateBucket, type AwsRegion } from '@remotion/lambda';
import { VERSION } from 'remotion/version';
import { REMOTION_FUNCTION_SPEC } from '../infra/inputs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      region: { type: 'string', default: 'us-east-1' },
      'site-name': { type: 'string', default: 'myhost-bizmate-video' },
    },
  });
  const region = values.region as AwsRegion;
  const siteName = values['site-name'];
  if (!/^[0-9a-zA-Z!_.*'()-]+$/.test(siteName)) throw new Error(`--site-name may contain letters, digits and -!_.*'() only, got "${siteName}"`);
  console.log(`Remotion ${VERSION}, region ${region}, site ${siteName}`);

  // enableFolderExpiry: the lifecycle rules that make renderMediaOnLambda's deleteAfter (remotion_delete_after) expire Remotion's own files.
  const { bucketName, alreadyExisted } = await getOrCreateBucket({ region, enableFolderExpiry: true });
  console.log(`bucket ${bucketName}${alreadyExisted ? ' (existed)' : ' (created)'}`);

  const bundleDir = await bundle({ entryPoint: join(root, 'remotion', 'index.ts'), publicDir: join(root, 'remotion', 'public') });
  // Deploying again under the same site name replaces the site: the serve URL stays the same.
  const site = await deploySiteFromBundle({ bundleDir, bucketName, region, siteName });

  const fn = await deployFunction({
    region,
    ...REMOTION_FUNCTION_SPEC,
    createCloudWatchLogGroup: true,
    cloudWatchLogRetentionPeriodInDays: 14,
  });
  console.log(`function ${fn.functionName}${fn.alreadyExisted ? ' (existed)' : ' (created)'}`);

  console.log('\nPass these to the stack (cdktf deploy / terraform apply):');
  console.log(`  remotion_serve_url     = "${site.serveUrl}"`);
  console.log(`  remotion_function_name = "${fn.functionName}"`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
