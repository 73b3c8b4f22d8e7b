import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExportFolderSource } from '../../../shared/adapters/export-folder/export-folder-source.js';
import { InputError } from '../../../shared/domain/errors.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/scenarios');
const ACCOUNT = '123456789012';

const temporaryFolders: string[] = [];
afterAll(() => {
  for (const folder of temporaryFolders) rmSync(folder, { recursive: true, force: true });
});

/** A writable copy of a scenario folder, so that a test can break one file. */
function copyOf(scenario: string): string {
  const folder = mkdtempSync(join(tmpdir(), 'lra-export-'));
  temporaryFolders.push(folder);
  cpSync(join(fixtures, scenario), folder, { recursive: true });
  return folder;
}

type Json = Record<string, unknown>;
function editJson(folder: string, file: string, edit: (json: Json) => void): void {
  const path = join(folder, file);
  const json = JSON.parse(readFileSync(path, 'utf8')) as Json;
  edit(json);
  writeFileSync(path, JSON.stringify(json));
}

async function loadError(folder: string): Promise<InputError> {
  try {
    await new ExportFolderSource(folder).load({});
  } catch (error: unknown) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected the export folder to be rejected');
}

describe('export folder source', () => {
  it('reads every function, mapping, role and managed policy of an AWS CLI export', async () => {
    const snapshot = await new ExportFolderSource(join(fixtures, 'basic')).load({});

    expect(snapshot.functions.map((fn) => fn.FunctionName)).toContain('orders-consumer');
    expect(snapshot.functions).toHaveLength(9);
    expect(snapshot.eventSourceMappings.length).toBeGreaterThan(0);
    expect(
      snapshot.roles.get(`arn:aws:iam::${ACCOUNT}:role/orders-consumer-role`)?.RolePolicyList[0]?.PolicyName,
    ).toBe('orders');
    expect(snapshot.managedPolicies.has('arn:aws:iam::aws:policy/AdministratorAccess')).toBe(true);
    expect(snapshot.source).toEqual({
      kind: 'export',
      path: join(fixtures, 'basic'),
      account: ACCOUNT,
      region: 'us-west-2',
    });
    expect(snapshot.readErrors).toEqual([]);
  });

  it('leaves event invoke configs undefined when the optional file is absent', async () => {
    const snapshot = await new ExportFolderSource(join(fixtures, 'basic')).load({});
    expect(snapshot.eventInvokeConfigs).toBeUndefined();
  });

  it('decodes URL-encoded documents to the same policies as JSON objects', async () => {
    const plain = await new ExportFolderSource(join(fixtures, 'basic')).load({});
    const encoded = await new ExportFolderSource(join(fixtures, 'basic-encoded')).load({});

    for (const [arn, role] of plain.roles) {
      const twin = encoded.roles.get(arn);
      expect(twin?.AssumeRolePolicyDocument).toEqual(role.AssumeRolePolicyDocument);
      expect(twin?.RolePolicyList).toEqual(role.RolePolicyList);
    }
    for (const [arn, policy] of plain.managedPolicies) {
      expect(encoded.managedPolicies.get(arn)?.Document).toEqual(policy.Document);
    }
  });

  it('keeps only the default version of a managed policy, found by IsDefaultVersion or DefaultVersionId', async () => {
    const folder = copyOf('basic');
    const oldVersion = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
    };
    const currentVersion = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }],
    };
    editJson(folder, 'authorization-details.json', (json) => {
      (json.Policies as Json[]).push(
        {
          PolicyName: 'by-flag',
          Arn: `arn:aws:iam::${ACCOUNT}:policy/by-flag`,
          DefaultVersionId: 'v2',
          PolicyVersionList: [
            { Document: oldVersion, VersionId: 'v1', IsDefaultVersion: false },
            { Document: currentVersion, VersionId: 'v2', IsDefaultVersion: true },
          ],
        },
        {
          PolicyName: 'by-id',
          Arn: `arn:aws:iam::${ACCOUNT}:policy/by-id`,
          DefaultVersionId: 'v3',
          PolicyVersionList: [
            { Document: oldVersion, VersionId: 'v1' },
            { Document: currentVersion, VersionId: 'v3' },
          ],
        },
      );
    });

    const snapshot = await new ExportFolderSource(folder).load({});

    for (const name of ['by-flag', 'by-id']) {
      const policy = snapshot.managedPolicies.get(`arn:aws:iam::${ACCOUNT}:policy/${name}`);
      expect(policy?.Document.ok && policy.Document.document.Statement[0]?.Action).toEqual([
        'sqs:SendMessage',
      ]);
    }
    expect(snapshot.managedPolicies.get(`arn:aws:iam::${ACCOUNT}:policy/by-id`)?.DefaultVersionId).toBe('v3');
  });

  it('keeps an unreadable policy document as a value naming the file, the role and the policy', async () => {
    const folder = copyOf('basic');
    editJson(folder, 'authorization-details.json', (json) => {
      const role = (json.RoleDetailList as Json[])[0] as Json;
      (role.RolePolicyList as Json[])[0] = {
        PolicyName: 'orders',
        PolicyDocument: 'this is %%% not a policy',
      };
    });

    const snapshot = await new ExportFolderSource(folder).load({});
    const document = snapshot.roles.get(`arn:aws:iam::${ACCOUNT}:role/orders-consumer-role`)
      ?.RolePolicyList[0]?.PolicyDocument;

    expect(document?.ok).toBe(false);
    expect(document?.ok === false && document.error).toMatch(
      /authorization-details\.json: RoleDetailList\[0\] \(role orders-consumer-role\), inline policy orders: /,
    );
    expect(snapshot.functions).toHaveLength(9);
  });

  it('marks a managed policy without a default version as unreadable', async () => {
    const folder = copyOf('basic');
    editJson(folder, 'authorization-details.json', (json) => {
      (json.Policies as Json[]).push({
        PolicyName: 'orphan',
        Arn: `arn:aws:iam::${ACCOUNT}:policy/orphan`,
        PolicyVersionList: [{ Document: { Version: '2012-10-17', Statement: [] }, VersionId: 'v1' }],
      });
    });

    const snapshot = await new ExportFolderSource(folder).load({});
    const document = snapshot.managedPolicies.get(`arn:aws:iam::${ACCOUNT}:policy/orphan`)?.Document;

    expect(document?.ok === false && document.error).toMatch(/no default version/);
  });

  it('reads tags given as a map as well as a list', async () => {
    const folder = copyOf('basic');
    editJson(folder, 'functions.json', (json) => {
      ((json.Functions as Json[])[0] as Json).Tags = {
        team: 'orders',
        'lambda-role-audit:suppress': 'overbroad-resource',
      };
    });

    const snapshot = await new ExportFolderSource(folder).load({});

    expect(snapshot.functions[0]?.Tags).toEqual([
      { Key: 'team', Value: 'orders' },
      { Key: 'lambda-role-audit:suppress', Value: 'overbroad-resource' },
    ]);
  });

  it('reads the optional event invoke configs when present', async () => {
    const folder = copyOf('basic');
    const destination = `arn:aws:sqs:us-west-2:${ACCOUNT}:failures`;
    writeFileSync(
      join(folder, 'event-invoke-configs.json'),
      JSON.stringify({
        FunctionEventInvokeConfigs: [
          {
            FunctionArn: `arn:aws:lambda:us-west-2:${ACCOUNT}:function:async-task:$LATEST`,
            MaximumRetryAttempts: 2,
            DestinationConfig: { OnFailure: { Destination: destination }, OnSuccess: {} },
          },
        ],
      }),
    );

    const snapshot = await new ExportFolderSource(folder).load({});

    expect(snapshot.eventInvokeConfigs?.[0]?.DestinationConfig?.OnFailure?.Destination).toBe(destination);
  });

  it('reads the optional resource encryption, versions and aliases files, as the AWS CLI prints them', async () => {
    const folder = copyOf('basic');
    const queue = `arn:aws:sqs:us-west-2:${ACCOUNT}:orders`;
    const stream = `arn:aws:kinesis:us-west-2:${ACCOUNT}:stream/clickstream`;
    const key = `arn:aws:kms:us-west-2:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const fn = `arn:aws:lambda:us-west-2:${ACCOUNT}:function:orders-consumer`;
    writeFileSync(
      join(folder, 'resource-encryption.json'),
      JSON.stringify({
        Queues: [
          { Attributes: { QueueArn: queue, KmsMasterKeyId: 'alias/orders', SqsManagedSseEnabled: 'false' } },
        ],
        Streams: [
          {
            StreamDescriptionSummary: {
              StreamName: 'clickstream',
              StreamARN: stream,
              EncryptionType: 'NONE',
            },
          },
        ],
        Topics: [],
        Secrets: [{ ARN: `arn:aws:secretsmanager:us-west-2:${ACCOUNT}:secret:s-AbCdEf`, Name: 's' }],
        Keys: [
          {
            KeyMetadata: {
              KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
              Arn: key,
              KeyManager: 'CUSTOMER',
              KeyState: 'Enabled',
            },
          },
        ],
        Aliases: [
          {
            AliasName: 'alias/orders',
            AliasArn: `arn:aws:kms:us-west-2:${ACCOUNT}:alias/orders`,
            TargetKeyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
          },
        ],
        Unreadable: [
          { Resource: `arn:aws:sns:us-west-2:${ACCOUNT}:failed-invocations`, Reason: 'AccessDenied' },
        ],
      }),
    );
    writeFileSync(
      join(folder, 'versions.json'),
      JSON.stringify({
        Versions: [
          {
            FunctionName: 'orders-consumer',
            FunctionArn: `${fn}:3`,
            Role: `arn:aws:iam::${ACCOUNT}:role/old`,
            Version: '3',
          },
        ],
      }),
    );
    writeFileSync(
      join(folder, 'aliases.json'),
      JSON.stringify({
        Aliases: [
          {
            AliasArn: `${fn}:live`,
            Name: 'live',
            FunctionVersion: '3',
            RoutingConfig: { AdditionalVersionWeights: { '4': 0.05 } },
          },
          { AliasArn: `${fn}:blue`, Name: 'blue', FunctionVersion: '3', RoutingConfig: null },
        ],
      }),
    );

    const snapshot = await new ExportFolderSource(folder).load({});

    expect(snapshot.encryption?.origin).toBe('resource-encryption.json');
    expect(snapshot.encryption?.resources.get(queue)).toEqual({
      resourceArn: queue,
      kmsKeyId: 'alias/orders',
    });
    // A stream whose EncryptionType is NONE has no key, whatever KeyId says.
    expect(snapshot.encryption?.resources.get(stream)).toEqual({ resourceArn: stream });
    expect(snapshot.encryption?.keys).toEqual([
      { KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab', Arn: key, KeyManager: 'CUSTOMER' },
    ]);
    expect(snapshot.encryption?.unreadable.get(`arn:aws:sns:us-west-2:${ACCOUNT}:failed-invocations`)).toBe(
      'AccessDenied',
    );
    expect(snapshot.versions?.map((v) => [v.FunctionArn, v.Version])).toEqual([[`${fn}:3`, '3']]);
    expect(snapshot.aliases).toEqual([
      {
        AliasArn: `${fn}:live`,
        Name: 'live',
        FunctionVersion: '3',
        RoutingConfig: { AdditionalVersionWeights: { '4': 0.05 } },
      },
      { AliasArn: `${fn}:blue`, Name: 'blue', FunctionVersion: '3' },
    ]);
  });

  it('leaves encryption, versions and aliases undefined without their files (the audit then says so)', async () => {
    const snapshot = await new ExportFolderSource(join(fixtures, 'basic')).load({});
    expect(snapshot.encryption).toBeUndefined();
    expect(snapshot.versions).toBeUndefined();
    expect(snapshot.aliases).toBeUndefined();
  });

  it('names every region of an export of several regions', async () => {
    const folder = copyOf('basic');
    editJson(folder, 'functions.json', (json) => {
      const [first] = json.Functions as Json[];
      if (first) first.FunctionArn = String(first.FunctionArn).replace('us-west-2', 'eu-west-1');
    });
    const snapshot = await new ExportFolderSource(folder).load({});
    expect(snapshot.source).toMatchObject({ account: ACCOUNT, regions: ['eu-west-1', 'us-west-2'] });
    expect(snapshot.source.region).toBeUndefined();
  });

  it('rejects an optional file that does not fit, naming it and the item', async () => {
    const folder = copyOf('basic');
    writeFileSync(
      join(folder, 'resource-encryption.json'),
      JSON.stringify({ Queues: [{ Attributes: { KmsMasterKeyId: 'k' } }] }),
    );
    const error = await loadError(folder);
    expect(error.message).toContain('resource-encryption.json does not have the shape the AWS CLI prints');
    expect(error.message).toContain('Queues[0].Attributes.QueueArn');
    writeFileSync(join(folder, 'resource-encryption.json'), '{}');
    writeFileSync(
      join(folder, 'aliases.json'),
      JSON.stringify({ Aliases: [{ Name: 'live', FunctionVersion: 1 }] }),
    );
    expect((await loadError(folder)).message).toContain('aliases.json');
  });

  describe('rejects a folder it cannot use, naming the file and what is wrong', () => {
    it('a missing required file', async () => {
      const folder = copyOf('basic');
      unlinkSync(join(folder, 'event-source-mappings.json'));

      const error = await loadError(folder);

      expect(error.message).toContain(join(folder, 'event-source-mappings.json'));
      expect(error.message).toContain('is missing');
    });

    it('malformed JSON, with the line and column', async () => {
      const folder = copyOf('basic');
      writeFileSync(
        join(folder, 'functions.json'),
        '{\n  "Functions": [\n    { "FunctionName": "a", }\n  ]\n}\n',
      );

      const error = await loadError(folder);

      expect(error.message).toContain(join(folder, 'functions.json'));
      expect(error.message).toMatch(/not valid JSON: .*line 3/);
    });

    it('an item that does not fit, by JSON path and by name', async () => {
      const folder = copyOf('basic');
      editJson(folder, 'functions.json', (json) => {
        delete ((json.Functions as Json[])[2] as Json).Role;
      });

      const error = await loadError(folder);

      expect(error.message).toContain(join(folder, 'functions.json'));
      expect(error.message).toContain('Functions[2].Role (FunctionName email-sender)');
    });

    it('a file without its top-level list', async () => {
      const folder = copyOf('basic');
      writeFileSync(join(folder, 'event-source-mappings.json'), JSON.stringify({ Mappings: [] }));

      const error = await loadError(folder);

      expect(error.message).toContain('EventSourceMappings');
    });

    it('a folder that does not exist', async () => {
      const error = await loadError(join(tmpdir(), 'lra-no-such-folder'));
      expect(error.message).toMatch(/lra-no-such-folder cannot be read: ENOENT/);
    });
  });
});
