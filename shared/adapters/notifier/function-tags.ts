/**
 * The tags of a function about to be alerted on, for the alert's CloudFormation hint (the
 * `aws:cloudformation:stack-name` tag). The report the alert is built from carries no tags, so they are
 * read again, only for the functions an alert is being written about, never for the whole account.
 *
 * `ListTags`, not `GetFunction`: its permission reads tags and nothing else (GetFunction's also hands out a
 * presigned URL to the function's code), and the change handler holds it already for the suppress tag
 * (shared/adapters/aws/function-tags.ts says the same). It shares the 15-per-second bucket of Lambda's
 * control-plane reads: at most `BIG_CHANGE_THRESHOLD` calls per batch, since a grouped alert reads none.
 * https://docs.aws.amazon.com/lambda/latest/api/API_ListTags.html
 */
import { type LambdaClient, ListTagsCommand } from '@aws-sdk/client-lambda';
import type { InventoryLookup } from '../state-store/inventory-store.js';

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
    const output = await client.send(new ListTagsCommand({ Resource: functionArn }));
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

/**
 * The stack name from the inventory's copy of the tags (the state table, issue 10), asking Lambda only for
 * a function whose tags the inventory has not read: the worker settles functions whose audit read them
 * from the inventory, so their stack hint costs no Lambda call.
 */
export function createInventoryStackNames(
  inventory: Pick<InventoryLookup, 'getMany'>,
  tags: Pick<FunctionTagReader, 'stackNameOf'>,
): (functionArn: string) => Promise<string | undefined> {
  return async (functionArn) => {
    const unqualified = functionArn.split(':').slice(0, 7).join(':');
    const entry = (await inventory.getMany([unqualified])).get(unqualified);
    if (!entry?.tagsRead) return tags.stackNameOf(unqualified);
    const value = entry.configuration.Tags?.[STACK_NAME_TAG];
    return value === undefined || value.trim() === '' ? undefined : value;
  };
}
