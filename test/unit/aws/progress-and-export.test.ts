import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeDocument, writeExport } from '../../../shared/adapters/aws/export-writer.js';
import type { LiveAccountData } from '../../../shared/adapters/aws/live-account-reader.js';
import { createProgressLine } from '../../../shared/adapters/aws/progress-line.js';
import { ExportFolderSource } from '../../../shared/adapters/export-folder/export-folder-source.js';

describe('progress line', () => {
  it('rewrites one line with every phase so far, at most every interval, and erases it at the end', () => {
    const written: string[] = [];
    let now = 0;
    const line = createProgressLine({ write: (text) => written.push(text) }, 100, () => now);
    line.onProgress({ phase: 'roles', done: 100 });
    now = 50;
    line.onProgress({ phase: 'functions', done: 50 });
    now = 150;
    line.onProgress({ phase: 'event-invoke-configs', done: 10, total: 50 });
    line.onProgress({ phase: 'event-invoke-configs', done: 50, total: 50 });
    line.clear();
    expect(written).toEqual([
      '\r\x1b[2Kreading the account: roles 100',
      '\r\x1b[2Kreading the account: roles 100 · functions 50 · invoke configs 10/50',
      '\r\x1b[2Kreading the account: roles 100 · functions 50 · invoke configs 50/50',
      '\r\x1b[2K',
    ]);
  });

  it('writes nothing to clear when it never drew', () => {
    const written: string[] = [];
    createProgressLine({ write: (text) => written.push(text) }).clear();
    expect(written).toEqual([]);
  });
});

describe('export writer', () => {
  const document = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'sqs:ReceiveMessage', Resource: '*' }],
  };

  it('decodes URL-encoded and plain JSON documents into objects, and keeps one that does not decode', () => {
    expect(decodeDocument(encodeURIComponent(JSON.stringify(document)))).toEqual(document);
    expect(decodeDocument(JSON.stringify(document))).toEqual(document);
    expect(decodeDocument('%7Bnot json')).toBe('%7Bnot json');
    expect(decodeDocument(document)).toBe(document);
  });

  it('writes the AWS CLI’s shapes: documents as objects, timestamps with an offset, and a folder the offline source reads', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'export-writer-'));
    try {
      const data: LiveAccountData = {
        region: 'eu-west-1',
        coverage: 'account',
        authorizationDetails: {
          RoleDetailList: [
            {
              RoleName: 'r',
              Arn: 'arn:aws:iam::123456789012:role/r',
              CreateDate: new Date('2025-02-01T12:00:00Z'),
              AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(document)),
              RolePolicyList: [
                { PolicyName: 'p', PolicyDocument: encodeURIComponent(JSON.stringify(document)) },
              ],
              AttachedManagedPolicies: [],
            },
          ],
          Policies: [],
        },
        functions: [
          {
            FunctionName: 'f',
            FunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:f',
            Role: 'arn:aws:iam::123456789012:role/r',
          },
        ],
        eventSourceMappings: [],
        eventInvokeConfigs: [],
        readErrors: [],
      };
      const written = await writeExport(data, directory);
      expect(written.files).toHaveLength(6);
      const authorization = JSON.parse(await readFile(join(directory, 'authorization-details.json'), 'utf8'));
      expect(authorization.RoleDetailList[0].AssumeRolePolicyDocument).toEqual(document);
      expect(authorization.RoleDetailList[0].RolePolicyList[0].PolicyDocument).toEqual(document);
      expect(authorization.RoleDetailList[0].CreateDate).toBe('2025-02-01T12:00:00+00:00');
      const snapshot = await new ExportFolderSource(directory).load({});
      expect(snapshot.functions.map((fn) => fn.FunctionName)).toEqual(['f']);
      expect(
        snapshot.roles.get('arn:aws:iam::123456789012:role/r')?.RolePolicyList[0]?.PolicyDocument.ok,
      ).toBe(true);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
