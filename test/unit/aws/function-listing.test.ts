import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient, ListEventSourceMappingsCommand, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createFunctionListing } from '../../../shared/adapters/aws/function-listing.js';
import { createAwsDirectory } from '../../../shared/adapters/directory/aws-directory.js';

const credentials = { accessKeyId: 'a', secretAccessKey: 'b' };
const fn = (name: string, role: string) => ({
  FunctionName: name,
  FunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
  Role: `arn:aws:iam::123456789012:role/${role}`,
});

describe('the batch function listing', () => {
  it('scans each region once for the directory and the audit together, and scans again after a failure', async () => {
    const lambda = new LambdaClient({ region: 'us-east-1', credentials });
    const mock = mockClient(lambda);
    mock
      .on(ListFunctionsCommand)
      .rejectsOnce(new Error('Throttling'))
      .resolves({ Functions: [fn('a', 'shared'), fn('b', 'shared'), fn('c', 'other')] });
    const listing = createFunctionListing(new Map([['us-east-1', lambda]]));
    const directory = createAwsDirectory({
      iam: new IAMClient({ region: 'us-east-1', credentials }),
      lambdaByRegion: new Map([['us-east-1', lambda]]),
      listing,
    });

    await expect(listing.list('us-east-1')).rejects.toThrow('Throttling');
    expect(await directory.functionsOfRoles(['shared'])).toEqual([
      fn('a', '').FunctionArn,
      fn('b', '').FunctionArn,
    ]);
    expect((await listing.list('us-east-1')).map((f) => f.FunctionName)).toEqual(['a', 'b', 'c']);
    expect(mock.commandCalls(ListFunctionsCommand)).toHaveLength(2);
  });
});

describe('the functions that use a resource whose key changed', () => {
  // moto cannot create MSK, Kafka, MQ or DocumentDB mappings (moto-notes §1): their secrets are matched here.
  it('finds mapping readers, secret users, on-failure senders and dead-letter targets, listing mappings once', async () => {
    const lambda = new LambdaClient({ region: 'us-east-1', credentials });
    const mock = mockClient(lambda);
    const queue = 'arn:aws:sqs:us-east-1:123456789012:orders';
    const stream = 'arn:aws:kinesis:us-east-1:123456789012:stream/clicks';
    const secret = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:kafka-auth-AbCdEf';
    mock.on(ListFunctionsCommand).resolves({
      Functions: [{ ...fn('dlq-owner', 'r'), DeadLetterConfig: { TargetArn: queue } }, fn('idle', 'r')],
    });
    mock.on(ListEventSourceMappingsCommand).resolves({
      EventSourceMappings: [
        { UUID: '1', FunctionArn: `${fn('reader', '').FunctionArn}:live`, EventSourceArn: queue },
        { UUID: '2', FunctionArn: fn('fanout', '').FunctionArn, EventSourceArn: `${stream}/consumer/c:1` },
        {
          UUID: '3',
          FunctionArn: fn('kafka', '').FunctionArn,
          EventSourceArn: 'arn:aws:kafka:us-east-1:123456789012:cluster/c/u',
          SourceAccessConfigurations: [{ Type: 'SASL_SCRAM_512_AUTH', URI: secret }],
        },
        {
          UUID: '4',
          FunctionArn: fn('sender', '').FunctionArn,
          EventSourceArn: stream,
          DestinationConfig: { OnFailure: { Destination: queue } },
        },
      ],
    });
    const directory = createAwsDirectory({
      iam: new IAMClient({ region: 'us-east-1', credentials }),
      lambdaByRegion: new Map([['us-east-1', lambda]]),
    });
    const arn = (name: string) => fn(name, '').FunctionArn;
    expect(await directory.functionsUsingResource(queue, 'us-east-1')).toEqual(
      [arn('dlq-owner'), arn('reader'), arn('sender')].sort(),
    );
    expect(await directory.functionsUsingResource(stream, 'us-east-1')).toEqual([
      arn('fanout'),
      arn('sender'),
    ]);
    // A secret named by UpdateSecret with its name only: the mapping's ARN carries the six-character suffix.
    expect(
      await directory.functionsUsingResource(
        'arn:aws:secretsmanager:us-east-1:123456789012:secret:kafka-auth',
        'us-east-1',
      ),
    ).toEqual([arn('kafka')]);
    expect(
      await directory.functionsUsingResource(
        'arn:aws:secretsmanager:us-east-1:123456789012:secret:kafka',
        'us-east-1',
      ),
    ).toEqual([]);
    expect(await directory.functionsUsingResource(queue, 'eu-west-1')).toEqual([]);
    expect(mock.commandCalls(ListEventSourceMappingsCommand)).toHaveLength(1);
    expect(mock.commandCalls(ListFunctionsCommand)).toHaveLength(1);
  });
});
