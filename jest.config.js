// Three tiers, chosen by file name (see design/architecture.md, "Tests"):
//   *.spec.ts             unit: pure logic, no root, no network
//   *.integ.spec.ts       integration: spawn bundled executables, talk to the simulator over loopback
//   *.privileged.spec.ts  privileged: real kernel state in namespaces the test makes (root only)
const path = require('node:path');

const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

// Workspace packages resolve to their TypeScript sources in tests, so no build is needed for unit tests.
const packages = {
  sdk: 'sdk',
  ipamd: 'ipamd',
  conflist: 'conflist',
  test: 'test',
  'aws-cni': 'plugins/aws-cni',
  'egress-cni': 'plugins/egress-cni',
  'bandwidth-shim': 'plugins/bandwidth-shim',
  'tuning-shim': 'plugins/tuning-shim',
  manifests: 'config',
};
const moduleNameMapper = {};
for (const [name, dir] of Object.entries(packages)) {
  moduleNameMapper[`^@vpc-cni-ts/${name}$`] = `<rootDir>/${dir}/src/index.ts`;
  moduleNameMapper[`^@vpc-cni-ts/${name}/(.*)$`] = `<rootDir>/${dir}/src/$1`;
}

// ES-module-only dependencies (@kubernetes/client-node 1.x and its own) are compiled to CommonJS for jest, which
// cannot require() an ES module; at run time Node 20 loads them natively.
const esmOnly = [
  '@kubernetes/client-node',
  '@jsep-plugin',
  'jose',
  'jsep',
  'jsonpath-plus',
  'oauth4webapi',
  'openid-client',
  'rfc4648',
];

const common = {
  rootDir: path.resolve(__dirname),
  transform: { '^.+\\.ts$': swc, '^.+\\.m?js$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  setupFiles: ['<rootDir>/scripts/jest-setup.js'],
};

module.exports = {
  // Spawning executables and real kernel work on a busy 2-core machine need more than jest's 5 s default per test
  // (a global option: jest does not take it per project).
  testTimeout: 30_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/**/*.spec.ts'],
      testPathIgnorePatterns: [...common.testPathIgnorePatterns, '\\.integ\\.spec\\.ts$', '\\.privileged\\.spec\\.ts$'],
    },
    { ...common, displayName: 'integ', testMatch: ['<rootDir>/**/*.integ.spec.ts'] },
    { ...common, displayName: 'privileged', testMatch: ['<rootDir>/**/*.privileged.spec.ts'] },
  ],
};
