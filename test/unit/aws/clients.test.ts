import { Readable } from 'node:stream';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { ApiCallCounter, countApiCalls } from '../../../shared/adapters/aws/call-counter.js';
import { createAwsClients, DEFAULT_MAX_ATTEMPTS } from '../../../shared/adapters/aws/clients.js';

async function iamEndpoint(region: string): Promise<{ url: string; signingRegion: unknown }> {
  const { iam } = createAwsClients({ region, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  const endpoint = await iam.config.endpointProvider({ Region: region, UseFIPS: false, UseDualStack: false });
  const schemes = endpoint.properties?.authSchemes as { signingRegion?: string }[] | undefined;
  return { url: endpoint.url.href, signingRegion: schemes?.[0]?.signingRegion };
}

describe('AWS clients', () => {
  it.each([
    ['us-east-1', 'https://iam.amazonaws.com/', 'us-east-1'],
    ['eu-west-1', 'https://iam.amazonaws.com/', 'us-east-1'],
    ['cn-north-1', 'https://iam.cn-north-1.amazonaws.com.cn/', 'cn-north-1'],
    ['cn-northwest-1', 'https://iam.cn-north-1.amazonaws.com.cn/', 'cn-north-1'],
    ['us-gov-west-1', 'https://iam.us-gov.amazonaws.com/', 'us-gov-west-1'],
    ['us-gov-east-1', 'https://iam.us-gov.amazonaws.com/', 'us-gov-west-1'],
  ])(
    'sends IAM calls for region %s to its partition’s global endpoint %s, signed for %s',
    async (region, url, signingRegion) => {
      expect(await iamEndpoint(region)).toEqual({ url, signingRegion });
    },
  );

  it('keeps Lambda regional', async () => {
    const { lambda } = createAwsClients({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    const endpoint = await lambda.config.endpointProvider({
      Region: 'eu-west-1',
      UseFIPS: false,
      UseDualStack: false,
    });
    expect(endpoint.url.href).toBe('https://lambda.eu-west-1.amazonaws.com/');
  });

  it('sets adaptive retries with explicit attempts on every client', async () => {
    const clients = createAwsClients({ region: 'us-east-1' });
    for (const client of [clients.iam, clients.lambda]) {
      const strategy = (await client.config.retryStrategy()) as { mode?: string };
      expect(strategy.mode).toBe('adaptive');
      expect(await client.config.maxAttempts()).toBe(DEFAULT_MAX_ATTEMPTS);
    }
  });

  it('lets AWS_MAX_ATTEMPTS override its default number of attempts, as the SDK reads it', async () => {
    const saved = process.env.AWS_MAX_ATTEMPTS;
    process.env.AWS_MAX_ATTEMPTS = '3';
    try {
      const { lambda } = createAwsClients({ region: 'us-east-1' });
      expect(await lambda.config.maxAttempts()).toBe(3);
      const explicit = createAwsClients({ region: 'us-east-1', maxAttempts: 5 });
      expect(await explicit.lambda.config.maxAttempts()).toBe(5);
    } finally {
      if (saved === undefined) delete process.env.AWS_MAX_ATTEMPTS;
      else process.env.AWS_MAX_ATTEMPTS = saved;
    }
  });

  it('uses an explicit endpoint for every client when one is given (tests, emulators)', async () => {
    const clients = createAwsClients({ region: 'us-west-2', endpoint: 'http://127.0.0.1:5000' });
    for (const client of [clients.iam, clients.lambda]) {
      const endpoint = await client.config.endpointProvider({
        Region: 'us-west-2',
        Endpoint: 'http://127.0.0.1:5000',
      } as never);
      expect(endpoint.url.href).toBe('http://127.0.0.1:5000/');
    }
  });
});

describe('API call counting', () => {
  it('counts each attempt per operation, retries of a 5xx included', async () => {
    let attempt = 0;
    const requestHandler = {
      handle: async () => {
        attempt += 1;
        const failed = attempt === 1;
        return {
          response: {
            statusCode: failed ? 500 : 200,
            headers: {
              'content-type': 'application/json',
              ...(failed ? { 'x-amzn-errortype': 'ServiceException' } : {}),
            },
            body: Readable.from([Buffer.from(failed ? '{"message":"internal"}' : '{"Functions":[]}')]),
          },
        };
      },
    };
    const lambda = new LambdaClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      requestHandler: requestHandler as never,
      retryMode: 'adaptive',
      maxAttempts: 3,
    });
    const counter = new ApiCallCounter();
    countApiCalls(lambda, counter);
    const result = await lambda.send(new ListFunctionsCommand({}));
    expect(result.Functions).toEqual([]);
    expect(counter.byOperation()).toEqual({ 'Lambda:ListFunctions': 2 });
    expect(counter.total).toBe(2);
  });
});
