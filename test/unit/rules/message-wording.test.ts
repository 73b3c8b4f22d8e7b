import {
  allow,
  doc,
  lambdaFunction,
  logsStatement,
  mapping,
  PREFIX,
  role,
} from '../../support/snapshot-builder.js';
import { audit, findingsOf } from './audit-helper.js';

const QUEUE = `arn:aws:sqs:${PREFIX}:orders`;
const SQS_READ = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'];
const CLUSTER = `arn:aws:kafka:${PREFIX}:cluster/audit-events/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d-1`;
const SECRET = `arn:aws:secretsmanager:${PREFIX}:secret:AmazonMSK_audit-shipper-Xy12Ab`;

function withQueueGrant(resource: string) {
  return {
    functions: [lambdaFunction('f')],
    roles: [role('f-role', { inline: { main: doc(logsStatement('f'), allow(SQS_READ, resource)) } })],
    mappings: [mapping('f', QUEUE)],
  };
}

describe('overbroad-resource wording', () => {
  it('says in words that a grant on * covers every queue, and quotes no invented ARN', async () => {
    const [finding] = findingsOf(await audit(withQueueGrant('*')), 'f', 'overbroad-resource');
    expect(finding?.message).toContain('on *, which covers every queue in every account;');
    expect(finding?.message).toContain(`needs only ${QUEUE}`);
    expect(finding?.message).not.toContain('lra-sibling');
  });

  it('says a grant on every queue of the account covers the other queues of that account', async () => {
    const [finding] = findingsOf(
      await audit(withQueueGrant(`arn:aws:sqs:${PREFIX}:*`)),
      'f',
      'overbroad-resource',
    );
    expect(finding?.message).toContain('which also covers other queues of account 123456789012 in us-west-2');
    expect(finding?.message).not.toContain('lra-sibling');
  });
});

describe('missing-permission wording for an MSK secret', () => {
  it('names the secret by its own name, not by the cluster', async () => {
    const report = await audit({
      functions: [lambdaFunction('f')],
      roles: [role('f-role', { inline: { main: doc(logsStatement('f')) } })],
      mappings: [
        mapping('f', CLUSTER, {
          Topics: ['audit'],
          SourceAccessConfigurations: [{ Type: 'SASL_SCRAM_512_AUTH', URI: SECRET }],
        }),
      ],
    });
    const secret = findingsOf(report, 'f', 'missing-permission').find(
      (finding) => finding.action === 'secretsmanager:GetSecretValue',
    );
    expect(secret?.message).toContain('cannot read the secret AmazonMSK_audit-shipper-Xy12Ab that');
    expect(secret?.message).not.toContain('secret audit-events');
  });
});
