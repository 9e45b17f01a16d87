/**
 * The architecture's boundaries, checked by `npm run check:boundaries` (and by `npm test`).
 * The layers and why they are split this way: docs/architecture.md.
 *
 *   shared/domain       rules, keys, options, errors, event contracts: imports nothing else of ours
 *   shared/ports        interfaces the pipeline needs of the outside world: imports the domain only
 *   shared/config.ts    the one reader of process.env: imports the domain only
 *   shared/pipeline     the steps, written against ports: never an adapter, never a cloud SDK
 *   shared/adapters     one implementation per port (S3, Supabase, EventBridge, SSM, LTX, Remotion Lambda)
 *   shared/http         the web API's routes: domain, ports and pipeline, no adapter
 *   shared/composition  builds adapters from configuration: the only layer that sees all of shared/
 *   handlers/           compose shared/ into Lambda entry points, nothing else
 *   local/              the embedded stack; only local/, test/, bench/ and scripts/ may import it
 */
const SDKS = '(^|node_modules/)(@aws-sdk|@supabase|@remotion|@electric-sql|jose|pg|ws|hono|@aws-lambda-powertools)(/|$)';
const OURS_OUTSIDE_SHARED = '^(handlers|local|remotion|web|cli|infra|test|bench|scripts|main\\.ts)';

/** A rule that forbids `from` to import anything matching `to`, with the reason as its message. */
const forbid = (name, comment, from, to) => ({ name, comment, severity: 'error', from, to });

module.exports = {
  forbidden: [
    forbid('domain-imports-only-domain', 'shared/domain holds the rules and contracts: it may import only shared/domain (and npm libraries such as zod)', { path: '^shared/domain/' }, {
      path: `^shared/(?!domain/)|${OURS_OUTSIDE_SHARED}`,
    }),
    forbid('domain-has-no-io-sdk', 'shared/domain does no I/O: cloud and database SDKs belong in shared/adapters', { path: '^shared/domain/' }, { path: SDKS }),
    forbid('ports-import-only-domain', 'shared/ports are interfaces over domain types: they may import only shared/domain', { path: '^shared/ports/' }, {
      path: `^shared/(?!domain/|ports/)|${OURS_OUTSIDE_SHARED}`,
    }),
    forbid('ports-have-no-sdk', 'shared/ports are interfaces: no SDK types leak into them', { path: '^shared/ports/' }, { path: SDKS }),
    forbid('config-imports-only-domain', 'shared/config.ts validates the environment: it may import only shared/domain', { path: '^shared/config\\.ts$' }, {
      path: `^shared/(?!domain/)|${OURS_OUTSIDE_SHARED}`,
    }),
    forbid('pipeline-uses-ports-not-adapters', 'shared/pipeline works against shared/ports; the adapters are injected by shared/composition', { path: '^shared/pipeline/' }, {
      path: `^shared/(adapters|http|composition)/|${OURS_OUTSIDE_SHARED}`,
    }),
    forbid('pipeline-has-no-sdk', 'shared/pipeline reaches the outside world only through ports: cloud and database SDKs belong in shared/adapters', { path: '^shared/pipeline/' }, {
      path: SDKS,
    }),
    forbid('adapters-do-not-run-steps', 'shared/adapters implement ports; they do not call the pipeline, the routes or the wiring', { path: '^shared/adapters/' }, {
      path: `^shared/(pipeline|http|composition)/|${OURS_OUTSIDE_SHARED}`,
    }),
    forbid('http-uses-ports-not-adapters', 'shared/http routes call the pipeline through ports; the adapters are injected by the handler', { path: '^shared/http/' }, {
      path: `^shared/(adapters|composition)/|${OURS_OUTSIDE_SHARED}`,
    }),
    forbid('composition-stays-in-shared', 'shared/composition wires shared/ only: never the local stack, the handlers or the template', { path: '^shared/composition/' }, {
      path: OURS_OUTSIDE_SHARED,
    }),
    forbid('handlers-only-compose', 'handlers/ are Lambda entry points: they compose shared/ and import nothing else of ours (not each other)', { path: '^handlers/' }, {
      path: '^(handlers|local|remotion|web|cli|infra|test|bench|scripts)/',
      pathNot: '^handlers/$',
    }),
    forbid('only-local-and-tests-import-local', 'local/ is the embedded stack: only local/, test/, bench/ and scripts/ may import it', { pathNot: '^(local|test|bench|scripts)/' }, { path: '^local/' }),
    forbid('local-supabase-stands-alone', 'local/supabase is a Supabase-compatible API that could be published on its own: it imports nothing of the pipeline', { path: '^local/supabase/' }, {
      path: '^(shared|handlers|remotion|web|cli|infra)/|^local/(?!supabase/)',
    }),
    forbid('infra-reads-only-contracts', 'infra/ synthesizes the AWS stack from the shared contracts; it never imports runtime code', { path: '^infra/' }, {
      path: '^shared/(pipeline|http|composition|ports)/|^(handlers|local|remotion|web|cli|test|bench)/',
    }),
    forbid('browser-code-stays-browser', 'web/ runs in the browser: it may import shared/domain and shared/ports types, never Node-side layers', { path: '^web/(client|app|react)/' }, {
      path: '^shared/(?!domain/|ports/)|^(handlers|local|remotion|cli|infra|test|bench|scripts)/',
    }),
    forbid('product-never-imports-tests', 'test helpers are for tests; product code must not depend on them', { path: '^(shared|handlers|local|remotion|web|cli|infra)/' }, { path: '^test/' }),
    { name: 'no-circular', comment: 'a cycle means two modules are one concept or a layer is leaking', severity: 'error', from: { path: '^(shared|handlers)/' }, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(cdktf\\.out|\\.local|dist|web/public)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
