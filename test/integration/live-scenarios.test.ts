/**
 * Every scenario folder, built in moto through the real SDK, read back by the live source: the live
 * audit must give the same findings as the offline audit of the export folder the tool wrote from the
 * same read, and the scenario's expectations must hold wherever moto can represent the account.
 * Folders are enumerated: a new scenario is tested by being added.
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadActionCatalog } from '../../shared/adapters/action-catalog/load-action-catalog.js';
import { type AwsClients, createAwsClients } from '../../shared/adapters/aws/clients.js';
import { writeExport } from '../../shared/adapters/aws/export-writer.js';
import type { LiveAccountData } from '../../shared/adapters/aws/live-account-reader.js';
import { toAccountSnapshot } from '../../shared/adapters/aws/live-snapshot.js';
import { createLiveSource } from '../../shared/adapters/aws/live-source.js';
import { PolicyVersionCache } from '../../shared/adapters/aws/policy-version-cache.js';
import { ExportFolderSource } from '../../shared/adapters/export-folder/export-folder-source.js';
import { auditAccount } from '../../shared/domain/audit/audit-account.js';
import type { AccountSnapshot } from '../../shared/domain/model.js';
import type { ActionCatalog } from '../../shared/domain/policy/action-catalog.js';
import type { Report } from '../../shared/domain/report.js';
import { type MotoServer, startMotoServer } from '../support/moto.js';
import {
  createAccountFromExport,
  type MotoAccount,
  patchMotoInvokeConfigTimestamps,
} from '../support/moto-account.js';
import { projectRoot } from '../support/run-cli.js';
import {
  differences,
  type FunctionExpectation,
  readExpectations,
} from '../unit/scenarios/report-expectations.js';
import { comparableSnapshot, findingKeys, representableExpectation } from './live-comparison.js';

const scenariosRoot = join(projectRoot, 'test/fixtures/scenarios');
const scenarios = readdirSync(scenariosRoot, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(scenariosRoot, entry.name, 'expected.json')))
  .map((entry) => entry.name)
  .sort();

const GENERATED_AT = '2026-11-26T00:00:00.000Z';

function regionOf(folder: string): string {
  const expected = readExpectations(folder) as { region?: string };
  return expected.region ?? 'us-east-1';
}

describe('live audit against moto, for every scenario', () => {
  let catalog: ActionCatalog;
  beforeAll(async () => {
    catalog = await loadActionCatalog();
  });

  it('finds the scenario folders', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(2);
  });

  describe.each(scenarios)('%s', (scenario) => {
    const folder = join(scenariosRoot, scenario);
    const expectations = readExpectations(folder);
    let server: MotoServer;
    let account: MotoAccount;
    let data: LiveAccountData;
    let liveSnapshot: AccountSnapshot;
    let exportSnapshot: AccountSnapshot;
    let liveReport: Report;
    let exportReport: Report;
    let exportDir: string;
    let clients: AwsClients;

    beforeAll(async () => {
      server = await startMotoServer(regionOf(folder));
      account = await createAccountFromExport(server, folder);
      clients = createAwsClients({ ...server.clientConfig });
      patchMotoInvokeConfigTimestamps(clients.lambda);
      // moto has no rate limit; the token bucket is unit-tested (request-limits.test.ts).
      const source = createLiveSource({
        clients,
        lambdaRequestsPerSecond: 200,
        policyCache: new PolicyVersionCache(),
      });
      data = await source.read({});
      liveSnapshot = toAccountSnapshot(data);
      exportDir = await mkdtemp(join(tmpdir(), `live-${scenario}-`));
      await writeExport(data, exportDir);
      exportSnapshot = await new ExportFolderSource(exportDir).load({});
      liveReport = auditAccount(liveSnapshot, { catalog, generatedAt: GENERATED_AT });
      exportReport = auditAccount(exportSnapshot, { catalog, generatedAt: GENERATED_AT });
    }, 120_000);

    afterAll(async () => {
      for (const client of Object.values(clients ?? {})) client.destroy();
      await server?.stop();
      if (exportDir) await rm(exportDir, { recursive: true, force: true });
    });

    it('reads every function of the scenario, with no read error', () => {
      const names = liveSnapshot.functions.map((fn) => fn.FunctionName).sort();
      expect(names).toEqual(Object.keys(expectations.functions).sort());
      expect(liveSnapshot.readErrors).toEqual([]);
    });

    it('gives the same snapshot as the export folder it wrote', () => {
      expect(comparableSnapshot(exportSnapshot)).toEqual(comparableSnapshot(liveSnapshot));
    });

    it('gives the same findings per function as the offline audit of its export', () => {
      expect(exportReport.errors ?? []).toEqual(liveReport.errors ?? []);
      expect(findingKeys(exportReport)).toEqual(findingKeys(liveReport));
    });

    it('states which settings moto dropped: exactly the dead-letter queues, KMS keys and custom log groups', async () => {
      const functions = JSON.parse(await readFile(join(folder, 'functions.json'), 'utf8')) as {
        Functions: {
          FunctionName: string;
          DeadLetterConfig?: { TargetArn?: string };
          KMSKeyArn?: string;
          LoggingConfig?: { LogGroup?: string };
        }[];
      };
      const expected = functions.Functions.flatMap((fn) => [
        ...(fn.DeadLetterConfig?.TargetArn ? [`${fn.FunctionName} DeadLetterConfig`] : []),
        ...(fn.KMSKeyArn ? [`${fn.FunctionName} KMSKeyArn`] : []),
        ...(fn.LoggingConfig?.LogGroup && fn.LoggingConfig.LogGroup !== `/aws/lambda/${fn.FunctionName}`
          ? [`${fn.FunctionName} LoggingConfig.LogGroup`]
          : []),
      ]).sort();
      const dropped = account.unrepresented
        .filter((piece) => /^(DeadLetterConfig|KMSKeyArn|LoggingConfig\.LogGroup)/.test(piece.what))
        .map((piece) => `${piece.functionName} ${piece.what.split(' ')[0]}`)
        .sort();
      expect(dropped).toEqual(expected);
    });

    it.each(Object.entries(expectations.functions))(
      'holds the expectations for %s where moto represents them',
      (functionName, expectation) => {
        const result = liveReport.functions.find((candidate) => candidate.functionName === functionName);
        expect(result).toBeDefined();
        const { expectation: representable, ignoredActionPrefixes } = representableExpectation(
          expectation as FunctionExpectation,
          functionName,
          account,
        );
        const findings = (result?.findings ?? []).filter(
          (finding) =>
            finding.rule !== 'missing-permission' ||
            !ignoredActionPrefixes.some((prefix) => (finding.action ?? '').toLowerCase().startsWith(prefix)),
        );
        expect({ functionName, problems: differences(representable, findings) }).toEqual({
          functionName,
          problems: [],
        });
      },
    );

    it('reads each function alone (per-function calls) to the same findings as the whole-account read', async () => {
      const source = createLiveSource({
        clients,
        lambdaRequestsPerSecond: 200,
        policyCache: new PolicyVersionCache(),
      });
      for (const result of liveReport.functions) {
        // A role shared with other functions is judged with its siblings; alone, "unused" may differ.
        if ((result.sharedWith ?? []).length > 0) continue;
        const snapshot = await source.load({ functionNames: [result.functionName] });
        expect(snapshot.readErrors).toEqual([]);
        const alone = auditAccount(snapshot, {
          catalog,
          generatedAt: GENERATED_AT,
          functionNames: [result.functionName],
        });
        expect(findingKeys(alone)).toEqual(findingKeys({ ...liveReport, functions: [result] }));
      }
    }, 120_000);
  });
});
