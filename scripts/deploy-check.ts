/**
 * `npm run deploy:check`: checks, with read-only AWS calls, everything `cdktf deploy` needs that the
 * stack does not create (infra/preflight/preflight-checks.ts), and prints the fix for each that is
 * missing. Reads the same TF_VAR_* and TF_STATE_* variables as the deploy. Exit 0: ready (warnings
 * allowed); 1: something would fail.
 */
import { awsPreflightReader } from '../infra/preflight/aws-preflight-reader';
import { formatResults, preflightInputsFromEnv, runPreflight } from '../infra/preflight/preflight-checks';
import { stateBackendFromEnv } from '../infra/state-backend';

async function main(): Promise<number> {
  const inputs = preflightInputsFromEnv(process.env, stateBackendFromEnv(process.env, 'villa-video-pipeline'));
  const results = await runPreflight(awsPreflightReader({ region: inputs.region }), inputs);
  console.log(formatResults(results));
  const failed = results.filter((r) => r.status === 'fail').length;
  console.log(failed === 0 ? '\nReady: npm run deploy' : `\n${failed} check(s) failed: fix them, then run npm run deploy:check again.`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
