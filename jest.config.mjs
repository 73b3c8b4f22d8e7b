/**
 * Jest runs our TypeScript as native ESM: `@middy/core` ships ESM only, so the test command starts
 * node with `--experimental-vm-modules` (see package.json "test") and @swc/jest compiles each file on
 * its own (as esbuild does for the bundles). Imports keep their `.js` suffix in source, so the mapper
 * strips it to find the `.ts` file. Type checking is `npm run typecheck`, not jest's job.
 */
// The SDK's notice that its 2027 releases need Node 22 says nothing about our tests (AWS's opt-out).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const swc = [
  '@swc/jest',
  {
    // Import attributes kept: template mode imports its SAM data with `with { type: 'json' }`.
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022', experimental: { keepImportAttributes: true } },
    module: { type: 'es6' },
  },
];

const common = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testEnvironment: 'node',
};

export default {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
    },
    {
      ...common,
      displayName: 'infra',
      testMatch: ['<rootDir>/test/infra/**/*.test.ts'],
    },
  ],
  testTimeout: 60000,
};
