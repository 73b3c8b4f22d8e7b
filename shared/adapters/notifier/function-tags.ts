/**
 * The tags of a function about to be alerted on, for the alert's CloudFormation hint. `ListFunctions`
 * (what the audit reads) does not return tags; `GetFunction` does, and it has a quota of its own
 * (100 requests per second, not the 15 that the other Lambda reads share), so it is called only for the
 * functions an alert is being written about, never for the whole account.
 * https://docs.aws.amazon.com/lambda/latest/api/API_GetFunction.html (response `Tags`)
 */
import { GetFunctionCommand, type LambdaClient } from '@aws-sdk/client-lambda';

/** The tag CloudFormation puts on every resource of a stack. */
export const STACK_NAME_TAG = 'aws:cloudformation:stack-name';

export interface FunctionTagReader {
  /** The function's tags (an empty map when it has none). Errors propagate: the caller decides. */
  tagsOf(functionArn: string): Promise<Readonly<Record<string, string>>>;
  /** The `aws:cloudformation:stack-name` tag, if the function came from a stack. */
  stackNameOf(functionArn: string): Promise<string | undefined>;
}

export function createFunctionTagReader(options: {
  readonly lambdaByRegion: ReadonlyMap<string, LambdaClient>;
}): FunctionTagReader {
  const tagsOf = async (functionArn: string): Promise<Readonly<Record<string, string>>> => {
    const region = functionArn.split(':')[3] ?? '';
    const client = options.lambdaByRegion.get(region);
    if (!client) throw new Error(`no Lambda client for region ${region || '(none)'}`);
    const output = await client.send(new GetFunctionCommand({ FunctionName: functionArn }));
    return output.Tags ?? {};
  };
  return {
    tagsOf,
    async stackNameOf(functionArn) {
      const value = (await tagsOf(functionArn))[STACK_NAME_TAG];
      return value === undefined || value.trim() === '' ? undefined : value;
    },
  };
}
