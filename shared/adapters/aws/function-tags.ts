/**
 * The tags of the functions a live read returned: the suppress tag (`lambda-role-audit:suppress`) on a
 * function is read from them. `ListFunctions` and `GetFunctionConfiguration` return no tags, so each
 * function costs one more call. Two calls could give them:
 *
 * - `GetFunction` has a quota of its own (100 requests per second) and returns the configuration too, but
 *   its permission also hands out a presigned URL to the function's code: an auditor that may read every
 *   function's code is a bigger target than one that may read tags.
 * - `ListTags` reads the tags and nothing else, and shares the 15-per-second bucket of the other control
 *   plane reads (the client's limiter paces it with them).
 *
 * `ListTags` it is: least privilege wins over quota. The cost is one call per function in the shared
 * bucket, measured in docs/live-audit.md (whole account: roughly twice the Lambda calls, since
 * `ListFunctionEventInvokeConfigs` is already one per function).
 *
 * A function whose tags cannot be read is a read error for that function (it is reported incomplete, not
 * judged without the tags that may suppress its findings); one deleted since it was listed keeps no tags.
 */
import {
  type LambdaClient,
  type FunctionConfiguration as LambdaFunctionConfiguration,
  ListTagsCommand,
} from '@aws-sdk/client-lambda';
import type { ReadError } from '../../domain/model.js';
import { awsErrorKind, describeAwsError } from './aws-errors.js';
import { type LiveAccountData, type LiveReadProgress, mapWithConcurrency } from './live-account-reader.js';

export interface FunctionTagsOptions {
  readonly lambda: LambdaClient;
  /** Functions read at once; the client's request limits still set the pace. */
  readonly concurrency: number;
  readonly onProgress?: (progress: LiveReadProgress) => void;
}

/** The read with each function's `Tags` (as `ListTags` returns them, a map), and a read error per failure. */
export async function withFunctionTags(
  data: LiveAccountData,
  options: FunctionTagsOptions,
): Promise<LiveAccountData> {
  if (data.functions.length === 0) return data;
  const readErrors: ReadError[] = [];
  let done = 0;
  const functions = await mapWithConcurrency(
    data.functions,
    options.concurrency,
    async (fn): Promise<LambdaFunctionConfiguration> => {
      const arn = fn.FunctionArn;
      if (arn === undefined) return fn;
      try {
        const output = await options.lambda.send(new ListTagsCommand({ Resource: arn }));
        // The configuration as GetFunction would give it: live-snapshot.ts and the export read `Tags`.
        const tagged: LambdaFunctionConfiguration & { Tags?: Record<string, string> } = { ...fn };
        if (output.Tags !== undefined) tagged.Tags = output.Tags;
        return tagged;
      } catch (error: unknown) {
        if (awsErrorKind(error) !== 'not-found') {
          readErrors.push({
            resource: arn,
            ...(fn.FunctionName ? { functionName: fn.FunctionName } : {}),
            message: `the function's tags could not be read: ${describeAwsError('ListTags', arn, error)}`,
          });
        }
        return fn;
      } finally {
        done += 1;
        options.onProgress?.({ phase: 'function-tags', done, total: data.functions.length });
      }
    },
  );
  return {
    ...data,
    functions,
    readErrors: readErrors.length === 0 ? data.readErrors : [...data.readErrors, ...readErrors],
  };
}
