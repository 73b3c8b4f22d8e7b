import { parsePolicyDocument } from '../../../shared/domain/policy/parse.js';

const plain = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: 'sqs:ReceiveMessage', Resource: 'arn:aws:sqs:us-east-1:123456789012:q' },
  ],
};

describe('policy document parsing', () => {
  it('normalises single strings and a single statement object into lists', () => {
    const result = parsePolicyDocument({ Version: '2012-10-17', Statement: plain.Statement[0] });
    expect(result).toEqual({
      ok: true,
      document: {
        Version: '2012-10-17',
        Statement: [
          {
            id: '0',
            Effect: 'Allow',
            Action: ['sqs:ReceiveMessage'],
            Resource: ['arn:aws:sqs:us-east-1:123456789012:q'],
          },
        ],
      },
    });
  });

  it('reads a URL-encoded document as the IAM API returns it to the JavaScript SDK', () => {
    const encoded = encodeURIComponent(JSON.stringify(plain));
    expect(parsePolicyDocument(encoded)).toEqual(parsePolicyDocument(plain));
  });

  it('reads a JSON string as CloudTrail request parameters carry it', () => {
    expect(parsePolicyDocument(JSON.stringify(plain))).toEqual(parsePolicyDocument(plain));
  });

  it('uses the Sid as the statement id and the index otherwise', () => {
    const result = parsePolicyDocument({
      Statement: [
        { Sid: 'Read', Effect: 'Allow', Action: '*', Resource: '*' },
        { Effect: 'Deny', NotAction: ['iam:*'], NotResource: '*' },
      ],
    });
    expect(result.ok && result.document.Statement.map((s) => s.id)).toEqual(['Read', '1']);
  });

  it('normalises principals and condition values to lists of strings', () => {
    const result = parsePolicyDocument({
      Statement: {
        Effect: 'Allow',
        Principal: { Service: 'lambda.amazonaws.com', AWS: ['arn:aws:iam::111122223333:root'] },
        Action: 'sts:AssumeRole',
        Condition: { Bool: { 'aws:SecureTransport': true }, NumericLessThan: { 's3:max-keys': 10 } },
      },
    });
    expect(result.ok && result.document.Statement[0]).toMatchObject({
      Principal: { Service: ['lambda.amazonaws.com'], AWS: ['arn:aws:iam::111122223333:root'] },
      Condition: { Bool: { 'aws:SecureTransport': ['true'] }, NumericLessThan: { 's3:max-keys': ['10'] } },
    });
  });

  it.each([
    [
      'text that is neither JSON nor URL-encoded JSON',
      'Version=2012-10-17',
      'neither JSON nor URL-encoded JSON',
    ],
    ['broken JSON', '{"Statement": [', 'not valid JSON'],
    ['broken URL-encoding', '%7B%E0%A4%A', 'not valid URL-encoding'],
    ['a document without statements', { Version: '2012-10-17' }, 'no Statement'],
    ['an array instead of a document', [], 'must be a JSON object'],
  ])('reports %s as unreadable, saying what is wrong', (_, raw, message) => {
    const result = parsePolicyDocument(raw);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toContain(message);
  });

  // "The Effect value is case sensitive" (reference_policies_elements_effect.html): IAM rejects such a
  // statement, but the rest of a JSON document is still there to audit.
  it.each([
    ['an Effect in the wrong case', { Effect: 'allow', Action: '*', Resource: '*' }, 'Effect must be'],
    ['an Action that is a number', { Effect: 'Allow', Action: 5, Resource: '*' }, 'Action must be'],
    ['a statement that is a string', 'Allow everything', 'must be an object'],
  ])('keeps %s as a rejected statement and reads the others', (_, bad, message) => {
    const good = { Sid: 'Good', Effect: 'Allow', Action: 'sqs:ReceiveMessage', Resource: '*' };
    const result = parsePolicyDocument({ Version: '2012-10-17', Statement: [good, bad] });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.document.Statement.map((s) => s.id)).toEqual(['Good']);
    expect(result.document.rejected).toEqual([
      { id: '1', index: 1, problem: expect.stringContaining(message) },
    ]);
  });

  it('remembers elements that are not part of the grammar', () => {
    const result = parsePolicyDocument({
      Statement: [{ Effect: 'Allow', Actions: 'sqs:*', Resource: '*' }],
    });
    expect(result.ok && result.document.Statement[0]?.unknownElements).toEqual(['Actions']);
  });
});
