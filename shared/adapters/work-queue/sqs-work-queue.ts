/**
 * The fan-out's work queue over SQS (shared/app/fan-out.ts): one message per chunk. A send that fails
 * (after the SDK's retries) fails the dispatch: the dispatching invocation is retried, and the run,
 * recorded under an id the retry finds again, is sent whole once more (a chunk audited twice completes
 * once).
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import type { WorkItem, WorkQueue } from '../../app/fan-out.js';
import { InputError } from '../../domain/errors.js';

export function createSqsWorkQueue(options: {
  readonly client: SQSClient;
  readonly queueUrl: string;
}): WorkQueue {
  return {
    async send(items) {
      // One SendMessage per chunk (a run has tens of chunks): the action the role is granted, as sent.
      let next = 0;
      const sendOne = async () => {
        while (next < items.length) {
          const item = items[next] as WorkItem;
          next += 1;
          await options.client.send(
            new SendMessageCommand({ QueueUrl: options.queueUrl, MessageBody: JSON.stringify(item) }),
          );
        }
      };
      await Promise.all(Array.from({ length: Math.min(4, items.length) }, sendOne));
    },
  };
}

const workItemSchema = z.object({
  runId: z.string().min(1).max(200),
  kind: z.enum(['sweep', 'change']),
  chunk: z.number().int().min(0),
  region: z.string(),
  regions: z.array(z.string()).optional(),
  functionArns: z.array(z.string().min(1)),
});

/** A work queue message body, checked: the queue admits only the stack's own functions, yet it is input. */
export function parseWorkItem(body: string, messageId: string): WorkItem {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    throw new InputError(`work item ${messageId} is not JSON`, { cause: error });
  }
  const parsed = workItemSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(
      `work item ${messageId} is not a work item: ${issue ? `${issue.path.join('.') || '(body)'} ${issue.message}` : 'invalid'}`,
    );
  }
  return parsed.data;
}
