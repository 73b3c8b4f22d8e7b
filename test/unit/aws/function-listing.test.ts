import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
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
